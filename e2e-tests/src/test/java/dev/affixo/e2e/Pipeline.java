package dev.affixo.e2e;

import dev.affixo.infra.junit.PipelineInfra;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import dev.affixo.infra.process.ServiceProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The production shape on one machine: the ingest API and the click processor as separate JVMs
 * (their real jars), wired to the test JVM's Kafka and PostgreSQL through the documented environment
 * variables only. Each test class names its own topics and application id so classes never share state.
 * {@link #close()} also stops every processor started through it: all processors share the test JVM's
 * PostgreSQL and apply any workspace's pending erasures, so one left running by a failed test would do the
 * work a later test expects its own processor to do (or not do).
 */
public final class Pipeline implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Small, fast-starting JVMs: the tests count clicks, they do not measure speed. */
    private static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    static final Path LOGS = Path.of("target", "e2e-logs");

    public final String topic;
    public final String deadLetterTopic;
    public final String applicationId;
    private final PipelineInfra infra;
    public final ServiceProcess api;
    private final List<ServiceProcess> processors = new ArrayList<>();

    private Pipeline(PipelineInfra infra, String name, ServiceProcess api) {
        this.infra = infra;
        this.topic = name + ".clicks.accepted";
        this.deadLetterTopic = name + ".clicks.dead-letter";
        this.applicationId = name + "-processor";
        this.api = api;
    }

    /** Partitions of each test's accepted-clicks topic, as production's default would be. */
    static final int PARTITIONS = 12;

    /**
     * Provisions the topics with {@code affixo-admin topics create} (as an operator does first), then starts the
     * ingest API (which applies the schema) and waits until it is ready.
     */
    public static Pipeline startApi(PipelineInfra infra, String name) throws IOException, InterruptedException {
        createTopics(infra, name);
        ServiceProcess api = start(name + "-ingest-api", "ingest-api", ServiceProcess.Ports.free(), baseEnv(infra, name));
        return new Pipeline(infra, name, api);
    }

    /** Starts one click-processor instance (several may run: they share the application id). */
    public ServiceProcess startProcessor(String instance) throws IOException, InterruptedException {
        ServiceProcess processor = start(instance, "click-processor", ServiceProcess.Ports.freeManagementOnly(),
                baseEnv(infra, topic.substring(0, topic.indexOf('.'))));
        synchronized (processors) {
            processors.add(processor);
        }
        return processor;
    }

    /** Runs the admin jar's {@code topics create}, configured through its environment variables. */
    private static void createTopics(PipelineInfra infra, String name) throws IOException, InterruptedException {
        Path jar = Path.of("..", "admin", "target", "affixo-admin.jar").toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder(ServiceProcess.javaTool("java"), "-jar", jar.toString(),
                "topics", "create").redirectErrorStream(true);
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        builder.environment().put("AFFIXO_ACCEPTED_TOPIC", name + ".clicks.accepted");
        builder.environment().put("AFFIXO_DEAD_LETTER_TOPIC", name + ".clicks.dead-letter");
        builder.environment().put("AFFIXO_TOPIC_PARTITIONS", Integer.toString(PARTITIONS));
        builder.environment().put("AFFIXO_TOPIC_REPLICATION_FACTOR", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("affixo-admin topics create failed:\n" + output);
        }
    }

    /**
     * {@code ../<module>/target/<module>.jar}, built by the reactor before this module's tests run. A service that
     * does not get ready is killed before the failure is thrown: nobody else holds it to stop it.
     */
    private static ServiceProcess start(String name, String module, ServiceProcess.Ports ports, Map<String, String> env)
            throws InterruptedException {
        Path jar = Path.of("..", module, "target", module + ".jar").toAbsolutePath().normalize();
        ServiceProcess service = ServiceProcess.start(name, JVM_FLAGS, ServiceProcess.jar(jar), ports, env, LOGS);
        try {
            return service.awaitReady(Duration.ofSeconds(120));
        } catch (RuntimeException | InterruptedException notReady) {
            try {
                service.kill();
            } catch (InterruptedException alsoInterrupted) {
                notReady.addSuppressed(alsoInterrupted);
            }
            throw notReady;
        }
    }

    private static Map<String, String> baseEnv(PipelineInfra infra, String name) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", infra.jdbcUrl());
        env.put("DATABASE_USER", infra.dbUser());
        env.put("DATABASE_PASSWORD", infra.dbPassword());
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        env.put("AFFIXO_INGEST_ACCEPTED_TOPIC", name + ".clicks.accepted");
        env.put("AFFIXO_PROCESSOR_ACCEPTED_TOPIC", name + ".clicks.accepted");
        env.put("AFFIXO_PROCESSOR_DEAD_LETTER_TOPIC", name + ".clicks.dead-letter");
        env.put("AFFIXO_PROCESSOR_APPLICATION_ID", name + "-processor");
        // A killed, stopped or thread-replaced processor's partitions move once its session expires (Kafka's
        // default 45 s, docs/click-processor.md "How long a failover takes"): 8 s lets the failure tests wait for
        // the failover they test rather than for a timeout.
        env.put("SPRING_KAFKA_STREAMS_PROPERTIES_SESSION_TIMEOUT_MS", "8000");
        env.put("SPRING_KAFKA_STREAMS_PROPERTIES_HEARTBEAT_INTERVAL_MS", "2000");
        // Tracing as configured in production (1 % sampling, docs/tracing.md), exporting to this JVM's receiver
        env.put("AFFIXO_TRACING_OTLP_ENDPOINT", TraceCollector.shared().endpoint());
        // Visitor origins as in production: one hash secret for every instance, and MaxMind's test databases
        env.put("AFFIXO_INGEST_IP_HASH_SECRET", "e2e-ip-hash-secret-0123456789");
        Path maxmind = Path.of("..", "ingest-api", "src", "test", "resources", "maxmind").toAbsolutePath().normalize();
        env.put("AFFIXO_INGEST_GEOIP_COUNTRY_DATABASE", maxmind.resolve("GeoLite2-City-Test.mmdb").toString());
        env.put("AFFIXO_INGEST_GEOIP_ASN_DATABASE", maxmind.resolve("GeoLite2-ASN-Test.mmdb").toString());
        env.put("AFFIXO_INGEST_GEOIP_ANONYMOUS_IP_DATABASE", maxmind.resolve("GeoIP2-Anonymous-IP-Test.mmdb").toString());
        return env;
    }

    /** POSTs a click; returns status and body. */
    HttpResponse<String> click(String token, String json, String idempotencyKey) throws IOException, InterruptedException {
        return click(token, json, idempotencyKey, Map.of());
    }

    /** POSTs a click with extra request headers (e.g. {@code traceparent}); returns status and body. */
    HttpResponse<String> click(String token, String json, String idempotencyKey, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/track/click"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a batch to {@code /v1/track/clicks}; returns status and body. */
    HttpResponse<String> clicks(String token, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/track/clicks"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Runs {@code click-processor.jar replay <args>} with this pipeline's environment plus {@code extraEnv},
     * bounded by 3 minutes; returns its exit code and output.
     */
    ProcessResult replay(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        Path jar = Path.of("..", "click-processor", "target", "click-processor.jar").toAbsolutePath().normalize();
        List<String> command = new java.util.ArrayList<>(List.of(ServiceProcess.javaTool("java")));
        command.addAll(JVM_FLAGS);
        command.addAll(ServiceProcess.jar(jar, "replay"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(baseEnv(infra, topic.substring(0, topic.indexOf('.'))));
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!process.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("replay did not finish within 3 minutes:\n" + output.join());
        }
        return new ProcessResult(process.exitValue(), output.join());
    }

    @Override
    public void close() throws InterruptedException {
        List<ServiceProcess> all = new ArrayList<>();
        all.add(api);   // first: no new clicks while the processors stop
        synchronized (processors) {
            all.addAll(processors);
        }
        InterruptedException interrupted = null;
        for (ServiceProcess service : all) {
            try {
                service.close();   // idempotent: a no-op for one the test already stopped
            } catch (InterruptedException e) {
                interrupted = e;   // cut short, it was SIGKILLed (ServiceProcess.awaitStopped): still stop the others
            }
        }
        if (interrupted != null) {
            throw interrupted;
        }
    }
}
