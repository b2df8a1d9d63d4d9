package dev.affixo.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks it the way `docker compose config`
 * would, plus what compose cannot know: that every variable it sets is one the services read, that the
 * Dockerfiles copy jars this build produces, and that ports and health checks agree.
 */
class DockerComposeFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> COMMON_ENV =
            Set.of("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD", "KAFKA_BOOTSTRAP_SERVERS", "MANAGEMENT_PORT");
    /**
     * The environment contract of each service jar; AFFIXO_* settings bind by relaxed binding. Only the API
     * has a public port: the processor's one HTTP server is its management server.
     */
    private static final Map<String, Set<String>> SERVICE_ENV = Map.of(
            "ingest-api", union(COMMON_ENV, Set.of("PORT")),
            "click-processor", COMMON_ENV);

    /** JDK 25 for the AOT cache (JEP 483/514) although the jars are Java 17 bytecode: docs/docker-compose.md. */
    private static final String SERVICE_BASE = "eclipse-temurin:25-jre";

    private static Map<String, Object> services;

    @BeforeAll
    static void parse() throws IOException {
        try (Reader r = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml(new LoaderOptions()).load(r);
            services = map(compose.get("services"));
            assertThat(map(compose.get("volumes"))).containsKeys("kafka-data", "pg-data");
        }
    }

    @Test
    void runsTheProductionShape() {
        assertThat(services.keySet()).containsExactlyInAnyOrder("kafka", "postgres", "ingest-api-1", "ingest-api-2",
                "click-processor-1", "click-processor-2", "topics", "seed");
        assertThat(map(services.get("kafka")).get("image")).isEqualTo("apache/kafka:4.1.2");
        assertThat(map(services.get("postgres")).get("image")).isEqualTo("postgres:17");
        assertThat(map(services.get("kafka")).get("environment").toString()).contains("KAFKA_PROCESS_ROLES=broker,controller");
    }

    @Test
    void eachServiceHasOneImageBuiltFromItsJar() throws IOException {
        for (String module : List.of("ingest-api", "click-processor")) {
            Map<String, Object> one = map(services.get(module + "-1"));
            Map<String, Object> two = map(services.get(module + "-2"));
            assertThat(one.get("image")).isEqualTo(two.get("image")).isEqualTo("affixo/" + module + ":0.1.0-SNAPSHOT");
            assertThat(one.get("build")).isEqualTo(two.get("build"));
            assertDockerfileCopiesBuiltJar(map(one.get("build")), module, module + ".jar", SERVICE_BASE);
        }
        assertDockerfileCopiesBuiltJar(map(map(services.get("seed")).get("build")), "admin", "affixo-admin.jar",
                "eclipse-temurin:17-jre");
        assertThat(map(services.get("topics")).get("image")).isEqualTo(map(services.get("seed")).get("image"));
        assertThat(map(services.get("topics")).get("build")).isEqualTo(map(services.get("seed")).get("build"));
    }

    @Test
    void servicesReadOnlyTheDocumentedEnvironmentAndEachVariableExists() throws IOException {
        for (String module : List.of("ingest-api", "click-processor")) {
            String applicationYml = Files.readString(ROOT.resolve(module + "/src/main/resources/application.yml"));
            Set<String> contract = SERVICE_ENV.get(module);
            for (String name : List.of(module + "-1", module + "-2")) {
                Map<String, Object> env = map(map(services.get(name)).get("environment"));
                assertThat(env.keySet()).as(name).containsAll(contract);
                for (String variable : env.keySet()) {
                    assertThat(contract.contains(variable) || variable.startsWith("AFFIXO_"))
                            .as(name + " sets unknown variable " + variable).isTrue();
                    if (contract.contains(variable)) {
                        assertThat(applicationYml).as(module + " application.yml reads " + variable)
                                .contains("${" + variable + ":");
                    }
                }
                assertThat(env.get("DATABASE_URL")).isEqualTo("jdbc:postgresql://postgres:5432/affixo");
                assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092");
            }
        }
        Map<String, Object> pg = map(map(services.get("postgres")).get("environment"));
        Map<String, Object> api = map(map(services.get("ingest-api-1")).get("environment"));
        assertThat(api.get("DATABASE_USER")).isEqualTo(pg.get("POSTGRES_USER"));
        assertThat(api.get("DATABASE_PASSWORD")).isEqualTo(pg.get("POSTGRES_PASSWORD"));
        assertThat(map(map(services.get("seed")).get("environment")).keySet())
                .containsExactlyInAnyOrder("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD");
    }

    @Test
    void longRunningServicesHaveHealthChecksOnTheirManagementPort() {
        for (String name : services.keySet()) {
            Map<String, Object> service = map(services.get(name));
            if (name.equals("seed")) {
                assertThat(service).doesNotContainKey("healthcheck").containsEntry("restart", "no");
                assertThat(service.get("command")).isEqualTo(List.of("demo", "seed", "--if-absent"));
                continue;
            }
            if (name.equals("topics")) {
                assertThat(service).doesNotContainKey("healthcheck").containsEntry("restart", "no");
                assertThat(service.get("command")).isEqualTo(List.of("topics", "create"));
                continue;
            }
            assertThat(service).as(name).containsKey("healthcheck");
            String test = String.valueOf(map(service.get("healthcheck")).get("test"));
            if (name.startsWith("ingest-api") || name.startsWith("click-processor")) {
                Map<String, Object> env = map(service.get("environment"));
                String management = String.valueOf(env.get("MANAGEMENT_PORT"));
                assertThat(test).contains("http://localhost:" + management + "/actuator/health/readiness");
                List<String> published = published(service);
                // management only on the host's loopback; the API (ingest only) on every interface
                assertThat(published).anyMatch(p -> p.startsWith("127.0.0.1:") && p.endsWith(":" + management));
                if (name.startsWith("ingest-api")) {
                    String port = String.valueOf(env.get("PORT"));
                    assertThat(port).isNotEqualTo(management);
                    assertThat(published).anyMatch(p -> !p.startsWith("127.0.0.1:") && p.endsWith(":" + port));
                    assertThat(published).noneMatch(p -> !p.startsWith("127.0.0.1:") && p.endsWith(":" + management));
                } else {
                    assertThat(env).doesNotContainKey("PORT");
                    assertThat(published).allMatch(p -> p.startsWith("127.0.0.1:"));
                }
            }
        }
    }

    @Test
    void dependenciesReferToServicesThatExist() {
        for (String name : services.keySet()) {
            Object dependsOn = map(services.get(name)).get("depends_on");
            if (dependsOn != null) {
                assertThat(services.keySet()).as(name + " depends_on").containsAll(map(dependsOn).keySet());
                map(dependsOn).forEach((on, condition) -> assertThat(map(condition).get("condition"))
                        .as(name + " waits for " + on)
                        .isEqualTo(on.equals("topics") ? "service_completed_successfully" : "service_healthy"));
            }
        }
    }

    /** The services create no topic: both wait for the one-shot provisioning step, which gets explicit sizes. */
    @Test
    void servicesStartOnlyAfterTheTopicsWereProvisioned() {
        for (String name : List.of("ingest-api-1", "ingest-api-2", "click-processor-1", "click-processor-2")) {
            assertThat(map(map(services.get(name)).get("depends_on"))).as(name).containsKey("topics");
        }
        Map<String, Object> topics = map(services.get("topics"));
        assertThat(map(topics.get("depends_on"))).containsOnlyKeys("kafka");
        assertThat(map(topics.get("environment"))).containsOnlyKeys("KAFKA_BOOTSTRAP_SERVERS",
                "AFFIXO_TOPIC_PARTITIONS", "AFFIXO_TOPIC_REPLICATION_FACTOR")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        assertThat(Integer.parseInt(String.valueOf(map(topics.get("environment")).get("AFFIXO_TOPIC_PARTITIONS"))))
                .isPositive();
    }

    /**
     * The service images start on an AOT cache that their own build trained (docker/aot-check.sh runs the same
     * commands with a JDK 25 and starts the apps on the cache; CI has no JDK 25). A cache is only used by the JDK
     * build and with the files it was made with, and it must come from a run that reached the context refresh
     * without Kafka or PostgreSQL: this holds each Dockerfile to that shape.
     */
    @Test
    void serviceImagesStartOnTheAotCacheTheirBuildTrained() throws IOException {
        for (String module : List.of("ingest-api", "click-processor")) {
            String text = Files.readString(ROOT.resolve("docker/" + module + ".Dockerfile")).replace("\\\n", " ");
            List<String> from = lines(text, "FROM");
            assertThat(from).as(module + ": two stages on the one base the cache is made and used on").hasSize(2)
                    .allMatch(line -> line.equals(SERVICE_BASE) || line.equals(SERVICE_BASE + " AS extract"));
            String runtimeStage = text.substring(text.lastIndexOf("\nFROM "));
            assertThat(javaRuns(text)).as(module + ": Spring Boot's extracted layout (a cache ignores the fat jar)")
                    .contains("java -Djarmode=tools -jar " + module + ".jar extract --layers --destination extracted");
            for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
                assertThat(lines(runtimeStage, "COPY")).contains("--from=extract /build/extracted/" + layer + "/ ./");
            }
            List<String> training = javaRuns(runtimeStage);
            assertThat(training).as(module + ": one training run, in the stage the image runs").hasSize(1);
            List<String> trainingWords = List.of(training.get(0).split(" "));
            // The build has no Kafka and no PostgreSQL: exit once the context is refreshed (no lifecycle bean has
            // started), and skip the one database access during refresh, Flyway's migration.
            assertThat(trainingWords).contains("-XX:AOTCacheOutput=app.aot", "-Dspring.context.exit=onRefresh",
                    "-Dspring.flyway.enabled=false");
            Matcher entry = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(runtimeStage);
            assertThat(entry.find()).as(module + " has an exec-form ENTRYPOINT").isTrue();
            List<String> entryWords = List.of(entry.group(1).replace("\"", "").split(",\\s*"));
            assertThat(entryWords).contains("-XX:AOTCache=app.aot");
            // the same JVM flags and the same jar as the run that made the cache
            assertThat(jvmFlags(entryWords)).isEqualTo(jvmFlags(trainingWords));
            assertThat(entryWords.subList(entryWords.size() - 2, entryWords.size()))
                    .isEqualTo(trainingWords.subList(trainingWords.size() - 2, trainingWords.size()))
                    .isEqualTo(List.of("-jar", module + ".jar"));
        }
    }

    /** The arguments of each instruction {@code keyword}, blanks collapsed (continuation lines already joined). */
    private static List<String> lines(String text, String keyword) {
        return text.lines().filter(line -> line.startsWith(keyword + " "))
                .map(line -> String.join(" ", line.substring(keyword.length()).trim().split("\\s+"))).toList();
    }

    private static List<String> javaRuns(String text) {
        return lines(text, "RUN").stream().filter(command -> command.startsWith("java ")).toList();
    }

    /** -XX flags other than the cache's own: those decide whether the runtime may use the cache. */
    private static List<String> jvmFlags(List<String> words) {
        return words.stream().filter(w -> w.startsWith("-XX:") && !w.startsWith("-XX:AOTCache")).toList();
    }

    private static void assertDockerfileCopiesBuiltJar(Map<String, Object> build, String module, String jar, String base)
            throws IOException {
        assertThat(build.get("context")).isEqualTo(".");
        Path dockerfile = ROOT.resolve(String.valueOf(build.get("dockerfile")));
        assertThat(dockerfile).exists();
        String text = Files.readString(dockerfile);
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) ").matcher(text);
        assertThat(copy.find()).as(dockerfile + " has a COPY").isTrue();
        assertThat(copy.group(1)).isEqualTo(module + "/target/" + jar);
        assertThat(ROOT.resolve(module).resolve("pom.xml")).exists();
        assertThat(text).contains("FROM " + base).contains("ENTRYPOINT [\"java\"");
        Path ignore = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
        assertThat(Files.readString(ignore)).contains("!" + module + "/target/" + jar);
    }

    private static List<String> published(Map<String, Object> service) {
        assertThat(service.get("ports")).isInstanceOf(List.class);
        return ((List<?>) service.get("ports")).stream().map(String::valueOf).toList();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
