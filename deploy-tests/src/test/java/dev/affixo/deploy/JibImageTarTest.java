package dev.affixo.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.affixo.deploy.Repository.JibImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image tars the build writes at {@code package} (jib:buildTar, root pom), read back: the tag is the image
 * name the manifests and compose use, the config runs the module's main class with the configured JVM flags as
 * the non-root user and exposes the module's ports, and the classes layer holds that main class.
 */
class JibImageTarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"ingest-api", "click-processor", "admin"})
    void imageTarRunsTheMainClassAsTheNonRootUserOnTheConfiguredPorts(String module) throws Exception {
        JibImage jib = Repository.jibImage(module);
        Path tar = Repository.ROOT.resolve(module).resolve("target/jib-image.tar");
        assertThat(tar).as("built by `./mvnw package` (jib:buildTar at package)").isRegularFile();

        Map<String, byte[]> entries;
        try (InputStream in = Files.newInputStream(tar)) {
            entries = Tar.read(in, name -> true);
        }
        JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
        assertThat(manifest.get("RepoTags").get(0).asText()).isEqualTo(jib.image());
        JsonNode config = JSON.readTree(entries.get(manifest.get("Config").asText())).get("config");

        List<String> entrypoint = strings(config.get("Entrypoint"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).containsAll(jib.jvmFlags());
        assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo(jib.mainClass());
        assertThat(config.get("User").asText()).isEqualTo(Repository.jibUser());
        List<String> ports = new ArrayList<>();
        if (config.has("ExposedPorts")) {
            config.get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        }
        assertThat(ports).containsExactlyInAnyOrderElementsOf(jib.ports().stream().map(p -> p + "/tcp").toList());

        // the main class is really in the image: Jib puts the module's classes under /app/classes
        String mainClassFile = "app/classes/" + jib.mainClass().replace('.', '/') + ".class";
        boolean found = false;
        for (JsonNode layer : manifest.get("Layers")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(entries.get(layer.asText())))) {
                found |= Tar.read(in, name -> false).keySet().stream()
                        .anyMatch(name -> name.replaceFirst("^\\./", "").replaceFirst("^/", "").equals(mainClassFile));
            }
        }
        assertThat(found).as(mainClassFile + " in a layer of " + tar).isTrue();
    }

    private static List<String> strings(JsonNode array) throws IOException {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
