package dev.affixo.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's promise, end to end: {@code java -jar local/target/affixo-local.jar} as a separate
 * process writes local.json, the curl it prints records a click (200) whose row reaches PostgreSQL, and
 * a restart on the same data dir keeps the keys and the rows. Needs the service jars, so the module is
 * built after ingest-api and click-processor.
 */
class LocalStackIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LAUNCHER = ROOT.resolve("local/target/affixo-local.jar");
    private static final Pattern CURL = Pattern.compile(
            "curl -sS -X POST (\\S+) -H 'Authorization: Bearer (\\S+)' -H 'Content-Type: application/json' -d '(.+)'");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private final List<Process> launched = new ArrayList<>();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void printedCurlRecordsAClickThatSurvivesARestart() throws Exception {
        Path ingestJar = jar("AFFIXO_INGEST_JAR", "ingest-api");
        Path processorJar = jar("AFFIXO_PROCESSOR_JAR", "click-processor");
        assumeThat(Files.isRegularFile(ingestJar))
                .as("SKIPPED: " + ingestJar + " missing; build the whole reactor (./mvnw verify)").isTrue();
        boolean withProcessor = Files.isRegularFile(processorJar);
        if (!withProcessor) {
            System.err.println("LocalStackIT: " + processorJar + " missing: running --no-processor and checking "
                    + "the Kafka side only");
        }
        Path dataDir = tmp.resolve("data");
        int port = freePort();

        // first start: seeds, prints the curl
        Launch first = launch(dataDir, withProcessor, "--port", String.valueOf(port));
        JsonNode local = first.localJson;
        assertThat(local.get("api_url").asString()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(local.get("refs").size()).isGreaterThanOrEqualTo(5);
        assertThat(local.get("keys").propertyNames())
                .contains("track", "star", "read", "affiliate", "revoked", "ratelimit");
        assertManagementOnItsOwnPort(local, withProcessor);

        Matcher curl = CURL.matcher(first.stdout());
        assertThat(curl.find()).as("printed curl in:\n" + first.stdout()).isTrue();
        HttpResponse<String> reply = post(curl.group(1), curl.group(2), curl.group(3));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.body()).contains("\"ok\":true");
        String visitor = JSON.readTree(curl.group(3)).get("visitor_id").asString();
        // issue 14: the example shows a visitor's address and browser (a documentation-range address)
        assertThat(JSON.readTree(curl.group(3)).get("ip").asString()).isEqualTo("203.0.113.7");
        assertThat(JSON.readTree(curl.group(3)).get("user_agent").asString()).startsWith("Mozilla/5.0 (");
        assertClickStored(local, visitor, withProcessor);

        // SIGTERM: everything stops, local.json goes away
        first.process.destroy();
        assertThat(first.process.waitFor(40, TimeUnit.SECONDS)).as("launcher stopped within 40 s").isTrue();
        assertThat(dataDir.resolve("local.json")).doesNotExist();

        // second start on the same dir: same port (remembered), same keys, earlier rows still there
        Launch second = launch(dataDir, withProcessor);
        assertThat(second.localJson.get("api_url").asString()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(second.localJson.get("keys")).isEqualTo(local.get("keys"));
        assertThat(second.localJson.get("management")).isEqualTo(local.get("management"));
        assertClickStored(second.localJson, visitor, withProcessor);
        HttpResponse<String> again = post(curl.group(1), curl.group(2), "{\"ref\":\"john\",\"visitor_id\":\"after-restart\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertClickStored(second.localJson, "after-restart", withProcessor);
        HttpResponse<String> revoked = post(curl.group(1), local.get("keys").get("revoked").asString(), curl.group(3));
        assertThat(revoked.statusCode()).isEqualTo(401);

        second.process.destroy();
        assertThat(second.process.waitFor(40, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void killLeftovers() {
        for (Process p : launched) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private record Launch(Process process, Path stdoutFile, JsonNode localJson) {
        String stdout() throws IOException {
            return Files.readString(stdoutFile);
        }
    }

    private Launch launch(Path dataDir, boolean withProcessor, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m", "-XX:TieredStopAtLevel=1",
                "-jar", LAUNCHER.toString(), "--data-dir", dataDir.toString(), "--ready-timeout", "100"));
        if (!withProcessor) {
            command.add("--no-processor");
        }
        command.addAll(List.of(extra));
        Path out = Files.createTempFile(tmp, "launcher-", ".out");
        Path err = Files.createTempFile(tmp, "launcher-", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.equals("KAFKA_BOOTSTRAP_SERVERS") || k.startsWith("DATABASE_"));
        // startup speed over peak throughput: this test measures correctness on a shared 2-core CI box
        pb.environment().putIfAbsent("AFFIXO_LOCAL_JAVA_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Process process = pb.start();
        launched.add(process);

        Path localJson = dataDir.resolve("local.json");
        long deadline = System.nanoTime() + Duration.ofSeconds(130).toNanos();
        while (!Files.exists(localJson)) {
            assertThat(process.isAlive()).as("launcher exited early:\n" + Files.readString(err)).isTrue();
            assertThat(System.nanoTime()).as("local.json within 130 s:\n" + Files.readString(err)).isLessThan(deadline);
            Thread.sleep(200);
        }
        // local.json is written before the summary is printed: wait for the curl line too
        while (!CURL.matcher(Files.readString(out)).find() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return new Launch(process, out, JSON.readTree(localJson.toFile()));
    }

    private static HttpResponse<String> post(String url, String token, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Health answers on each service's management URL; the API's own port has no actuator. */
    private static void assertManagementOnItsOwnPort(JsonNode local, boolean withProcessor) throws Exception {
        String api = local.get("api_url").asString();
        JsonNode management = local.get("management");
        List<String> services = withProcessor ? List.of("ingest_api", "click_processor") : List.of("ingest_api");
        assertThat(management.propertyNames()).containsExactlyInAnyOrderElementsOf(services);
        for (String service : services) {
            String url = management.get(service).asString();
            assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/actuator").doesNotStartWith(api + "/");
            assertThat(get(url + "/health/readiness").statusCode()).as(url).isEqualTo(200);
        }
        HttpResponse<String> onApiPort = get(api + "/actuator/health");
        assertThat(onApiPort.statusCode()).isEqualTo(404);
        assertThat(onApiPort.body()).isEqualTo("{\"error\":\"not_found\"}");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The row in clicks (processor running), else the record on the accepted-clicks topic. */
    private static void assertClickStored(JsonNode local, String visitor, boolean withProcessor) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(withProcessor ? 60 : 20).toNanos();
        if (withProcessor) {
            while (countClicks(local, visitor) == 0) {
                assertThat(System.nanoTime()).as("row for visitor " + visitor + " in clicks").isLessThan(deadline);
                Thread.sleep(250);
            }
            return;
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.get("bootstrap_servers").asString());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("affixo.clicks.accepted"));
            while (true) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.value().contains(visitor)) {
                        return;
                    }
                }
                assertThat(System.nanoTime()).as("record for visitor " + visitor + " on the topic").isLessThan(deadline);
            }
        }
    }

    private static int countClicks(JsonNode local, String visitor) throws SQLException {
        try (Connection c = DriverManager.getConnection(local.get("database_url").asString(),
                local.get("database_user").asString(), local.get("database_password").asString());
             PreparedStatement ps = c.prepareStatement("select count(*) from clicks where visitor_id = ?")) {
            ps.setString(1, visitor);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Path jar(String variable, String module) {
        String override = System.getenv(variable);
        return override != null && !override.isBlank() ? Path.of(override)
                : ROOT.resolve(module).resolve("target").resolve(module + ".jar");
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
