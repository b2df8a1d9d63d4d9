package dev.affixo.e2e;

import dev.affixo.infra.junit.PipelineInfra;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The production shape on one machine: the ingest API and the click processor as separate JVMs
 * (their real jars), wired to the test JVM's Kafka and PostgreSQL through the documented environment
 * variables only. Each test class names its own topics and application id so classes never share state.
 */
final class Pipeline implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String topic;
    final String deadLetterTopic;
    final String applicationId;
    private final PipelineInfra infra;
    final ServiceProcess api;

    private Pipeline(PipelineInfra infra, String name, ServiceProcess api) {
        this.infra = infra;
        this.topic = name + ".clicks.accepted";
        this.deadLetterTopic = name + ".clicks.dead-letter";
        this.applicationId = name + "-processor";
        this.api = api;
    }

    /** Starts the ingest API (which applies the schema and creates the topic) and waits until it is ready. */
    static Pipeline startApi(PipelineInfra infra, String name) throws IOException, InterruptedException {
        Map<String, String> env = baseEnv(infra, name);
        env.put("PORT", Integer.toString(freePort()));
        ServiceProcess api = ServiceProcess.start(name + "-ingest-api", "ingest-api",
                Integer.parseInt(env.get("PORT")), Map.of(), env);
        return new Pipeline(infra, name, api.awaitReady(Duration.ofSeconds(120)));
    }

    /** Starts one click-processor instance (several may run: they share the application id). */
    ServiceProcess startProcessor(String instance) throws IOException, InterruptedException {
        Map<String, String> env = baseEnv(infra, topic.substring(0, topic.indexOf('.')));
        int port = freePort();
        env.put("PORT", Integer.toString(port));
        return ServiceProcess.start(instance, "click-processor", port, Map.of(), env)
                .awaitReady(Duration.ofSeconds(120));
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
        return env;
    }

    /** POSTs a click; returns status and body. */
    HttpResponse<String> click(String token, String json, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/track/click"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        api.close();
    }
}
