package dev.affixo.local;

import dev.affixo.admin.demo.DemoData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a data directory remembers between starts ({@code DIR/state.json}): the ports chosen on the
 * first start, so a restart brings everything back where clients expect it, and the demo seed — the
 * keys' plaintext exists nowhere else (the database stores only hashes), and local.json shows them on
 * every start. Local development only: never point a data dir at production.
 */
final class StackState {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Map<String, Object> values;

    private StackState(Path file, Map<String, Object> values) {
        this.file = file;
        this.values = values;
    }

    static StackState load(Path dataDir) {
        Path file = dataDir.resolve("state.json");
        if (!Files.exists(file)) {
            return new StackState(file, new LinkedHashMap<>());
        }
        try {
            return new StackState(file, JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { }));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read " + file + " (delete it to start over): " + e.getMessage(), e);
        }
    }

    /** A remembered port, or 0 (= choose one). */
    int port(String name) {
        Object v = values.get(name + "_port");
        return v instanceof Number n ? n.intValue() : 0;
    }

    void port(String name, int port) {
        values.put(name + "_port", port);
    }

    /** The demo seed made on the first start against this database, if any. */
    DemoData seed(String databaseUrl) {
        Object seed = values.get("seed");
        if (!(seed instanceof Map<?, ?>) || !databaseUrl.equals(values.get("seed_database_url"))) {
            return null;
        }
        return JSON.convertValue(seed, DemoData.class);
    }

    void seed(String databaseUrl, DemoData data) {
        values.put("seed_database_url", databaseUrl);
        values.put("seed", JSON.convertValue(data, new TypeReference<Map<String, Object>>() { }));
    }

    void save() {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), values);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static List<String> portNames() {
        return List.of("kafka", "postgres", "api", "processor");
    }
}
