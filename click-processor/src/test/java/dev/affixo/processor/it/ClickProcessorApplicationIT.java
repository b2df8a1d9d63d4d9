package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.affixo.admin.topics.ClickTopics;
import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.infra.http.RawHttpConnection;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.PipelineInfraExtension;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.Clicks;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The packaged application: Flyway, the DataSource, the streams lifecycle, health and metrics, wired by Spring.
 * The context is closed after this class, while the broker still runs: left to Spring's JVM shutdown hook, it met
 * a broker already stopped by the infra's own hook, and Streams' close held the test JVM's exit 30 s.
 */
@WithPipelineInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ClickProcessorApplicationIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String TOPIC = "it.app.clicks." + SUFFIX;
    private static final String DEAD_LETTERS = "it.app.dead-letters." + SUFFIX;
    /** How long a management request may go unanswered before it counts as never answered. */
    private static final Duration NO_ANSWER = Duration.ofSeconds(5);

    @DynamicPropertySource
    static void infra(DynamicPropertyRegistry registry) throws Exception {
        PipelineInfra infra = PipelineInfraExtension.shared();
        infra.springProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("affixo.processor.accepted-topic", () -> TOPIC);
        registry.add("affixo.processor.dead-letter-topic", () -> DEAD_LETTERS);
        registry.add("affixo.processor.application-id", () -> "it-app-" + SUFFIX);
        String stateDir = java.nio.file.Files.createTempDirectory("click-processor-app-").toString();
        registry.add("spring.kafka.streams.properties.state.dir", () -> stateDir);
        // provisioned as an operator would (affixo-admin topics create): the processor creates no topic
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            ClickTopics topics = new ClickTopics(admin);
            topics.ensure(TOPIC, 2, (short) 1);
            topics.ensure(DEAD_LETTERS, 1, (short) 1);
        }
    }

    /** The processor's one HTTP server is its management server ({@code MANAGEMENT_PORT}; random here). */
    @Value("${local.server.port}")
    int managementPort;

    @Test
    void startsMigratesStoresClicksAndReportsReady(PipelineInfra infra) throws Exception {
        long ws = ClickPipelineIT.newWorkspace();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", infra.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 10; i++) {
                var click = Clicks.cookie(ws, "v-" + i, null, 1, Instant.parse("2026-03-01T12:00:00Z"));
                producer.send(new ProducerRecord<>(TOPIC, click.recordKey(), ClickEventCodec.encode(click))).get();
            }
        }
        Jdbi jdbi = Jdbi.create(infra.dataSource());
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbi.withHandle(h -> h.createQuery(
                "select count(*) from clicks where workspace_id = :ws").bind("ws", ws).mapTo(Long.class).one()) == 10);

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(http, "/actuator/health/readiness").statusCode() == 200);
        assertThat(get(http, "/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
        HttpResponse<String> metrics = get(http, "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("kafka_stream", "affixo_processor_lag_records",
                "affixo_processor_batch_rows_count", "affixo_processor_catch_up_seconds_count",
                "affixo_processor_user_agent_parses_total");
        // 10 distinct visitors, each clicking once: 10 unique rows written, no duplicate (this app is the
        // only writer of this JVM's registry, and only this test sends to its topic).
        assertThat(metrics.body()).containsPattern(
                "(?m)^affixo_processor_rows_written_total\\{[^}]*classification=\"unique\"[^}]*} 10\\.0$");
        assertThat(metrics.body()).containsPattern(
                "(?m)^affixo_processor_rows_written_total\\{[^}]*classification=\"duplicate\"[^}]*} 0\\.0$");
        // Lag per partition: one series for each partition of the topic, every one drained once committed.
        Map<String, Double> drained = new java.util.TreeMap<>();
        for (int p = 0; p < partitionsOf(infra, TOPIC); p++) {
            drained.put(Integer.toString(p), 0.0);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(partitionLag(http)).isEqualTo(drained));
    }

    private static int partitionsOf(PipelineInfra infra, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        }
    }

    private Map<String, Double> partitionLag(HttpClient http) throws Exception {
        Map<String, Double> lag = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(?m)^affixo_processor_partition_lag_records\\{[^}]*partition=\"(\\d+)\"[^}]*} (\\S+)$")
                .matcher(get(http, "/actuator/prometheus").body());
        while (m.find()) {
            lag.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return lag;
    }

    @Test
    void countsEachDeadLetterOnceUnderItsReason(PipelineInfra infra) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(http, "/actuator/health/readiness").statusCode() == 200);
        double unreadable = deadLetters(http, "unreadable");
        double unstorable = deadLetters(http, "unstorable");
        double processingFailed = deadLetters(http, "processing_failed");

        // Only poison: this test must not write rows (the other one counts rows written exactly).
        long ws = ClickPipelineIT.newWorkspace();
        ClickEvent ok = Clicks.cookie(ws, "v-poison", null, 1, Instant.parse("2026-03-01T12:00:00Z"));
        List<byte[]> poison = List.of(
                "not json".getBytes(StandardCharsets.UTF_8),
                "{\"v\":99}".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                ClickEventCodec.encode(withEventId(ok, "not-a-uuid")),
                ClickEventCodec.encode(withEventId(ok, "also-not-a-uuid")));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", infra.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : poison) {
                producer.send(new ProducerRecord<>(TOPIC, ok.recordKey(), value)).get();
            }
        }

        assertThat(readDeadLetters(infra, poison.size())).hasSize(poison.size());
        assertThat(deadLetters(http, "unreadable") - unreadable).isEqualTo(3.0);
        assertThat(deadLetters(http, "unstorable") - unstorable).isEqualTo(2.0);
        assertThat(deadLetters(http, "processing_failed") - processingFailed).isEqualTo(0.0);
    }

    /**
     * {@code affixo_processor_dead_letters_total{reason}} as scraped from the management port, summed over
     * {@code accepted_event}; both series of the reason must be there.
     */
    private double deadLetters(HttpClient http, String reason) throws Exception {
        HttpResponse<String> scrape = get(http, "/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("(?m)^affixo_processor_dead_letters_total\\{[^}]*reason=\"" + reason
                + "\"[^}]*} (\\S+)$").matcher(scrape.body());
        double sum = 0;
        int series = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            series++;
        }
        assertThat(series).as("series for reason " + reason + " in:\n" + scrape.body()).isEqualTo(2);
        return sum;
    }

    /** Every committed record of the dead-letter topic, once {@code expected} are there (and none is left to come). */
    private static List<ConsumerRecord<String, byte[]>> readDeadLetters(PipelineInfra infra, int expected) {
        List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                "bootstrap.servers", infra.bootstrapServers(),
                "isolation.level", "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(DEAD_LETTERS, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                return letters.size() >= expected;
            });
            consumer.poll(Duration.ofSeconds(1)).forEach(letters::add);
        }
        return letters;
    }

    /**
     * A request to the management port is answered, or its connection is closed — never left unread (Kubernetes
     * probes and Prometheus scrapes wait on it). The sequence that left a connection unread: a request finished
     * off the event loop (readiness asks PostgreSQL on another thread), a second arriving on the same connection
     * before the first was finished (written together with it here, which makes the race certain) and answered
     * at once on the event loop (404 for an unknown endpoint), then a third on that connection: Reactor Netty
     * 1.3.6 held the second back, answered it, and never read the connection again — in CI a scrape got no
     * answer. Three rounds, a few milliseconds each; without the fix the first fails after 5 s.
     */
    @Test
    void aManagementRequestAfterAnEarlyArrivingOneIsAnswered() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (RawHttpConnection connection = new RawHttpConnection(managementPort, NO_ANSWER)) {
                connection.get("/actuator/health/readiness", "/actuator/no-such-endpoint");
                List<RawHttpConnection.Response> answered = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    answer(connection).ifPresent(answered::add);
                }
                assertThat(answered).as("the first request's answer").isNotEmpty();
                boolean reusable = answered.size() == 2
                        && answered.stream().noneMatch(RawHttpConnection.Response::closesConnection);
                if (reusable) {
                    connection.get("/actuator/prometheus");
                    assertThat(answer(connection)).as("the next request on the same connection").isPresent()
                            .get().extracting(RawHttpConnection.Response::status).isEqualTo(200);
                } else {
                    // the server closed it, so the client reconnects, as a probe or a scrape does
                    try (RawHttpConnection next = new RawHttpConnection(managementPort, NO_ANSWER)) {
                        next.get("/actuator/prometheus");
                        assertThat(answer(next)).as("the next request, on a new connection").isPresent()
                                .get().extracting(RawHttpConnection.Response::status).isEqualTo(200);
                    }
                }
            }
        }
    }

    /** The next response, or empty when the server closed the connection; a hang fails the test. */
    private static Optional<RawHttpConnection.Response> answer(RawHttpConnection connection) throws IOException {
        try {
            return connection.read();
        } catch (SocketTimeoutException noAnswer) {
            return fail("no answer and no close within " + NO_ANSWER + ": the server left the request unread");
        }
    }

    private static ClickEvent withEventId(ClickEvent c, String eventId) {
        return new ClickEvent(eventId, c.workspaceId(), c.linkId(), c.affiliateId(), c.campaignId(), c.ref(),
                c.visitorId(), c.matchMethod(), c.matchConfidence(), c.fingerprint(), c.url(), c.referrer(), c.keyId(),
                c.idempotencyKey(), c.receivedAt());
    }

    /**
     * A management request, bounded: one not answered within 10 s fails the test (a management port that leaves a
     * request unanswered is a defect, see {@link #aManagementRequestAfterAnEarlyArrivingOneIsAnswered}), rather
     * than leaving it waiting forever.
     */
    private HttpResponse<String> get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
