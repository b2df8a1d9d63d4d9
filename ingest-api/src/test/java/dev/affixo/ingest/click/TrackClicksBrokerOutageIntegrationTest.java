package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEventCodec;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.ingest.support.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker stops while batches are in flight: every item answered {@code ok:true} is on the topic once the broker
 * is back (read back from it), every other item is {@code unavailable}, and every batch is answered within the
 * request bound. Two senders keep batches going across the stop, so some are cut off half way.
 */
class TrackClicksBrokerOutageIntegrationTest extends IngestApiIntegrationTest {

    /** The configured request timeout plus scheduling slack on a 2-core machine. */
    private static final Duration BOUND = Duration.ofSeconds(5).plusMillis(1500);
    private static final int ITEMS = 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Answer(int status, JsonNode body, List<String> visitors, Duration took) {
    }

    @Test
    void noItemIsOkUnlessItIsInKafka() throws Exception {
        TestData.Workspace ws = data.workspace();
        String ref = "outage-" + UUID.randomUUID();
        ws.link(ref);
        String key = ws.key(1_000_000, "track");
        List<Answer> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);

        Answer warm = send(key, ref);
        assertThat(warm.status()).isEqualTo(200);
        answers.add(warm);
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            senders.add(CompletableFuture.runAsync(() -> {
                while (sending.get()) {
                    answers.add(send(key, ref));
                }
            }));
        }
        try {
            TimeUnit.MILLISECONDS.sleep(300);
            infra.kafka().stop();
            // the batches started from here on meet a stopped broker for their whole life
            TimeUnit.MILLISECONDS.sleep(500);
        } finally {
            sending.set(false);
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            infra.kafka().restart();
        }

        Set<String> ok = new HashSet<>();
        int unavailable = 0;
        int cutOff = 0;
        for (Answer answer : answers) {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.took()).isLessThanOrEqualTo(BOUND);
            JsonNode results = answer.body().get("results");
            assertThat(results.size()).isEqualTo(ITEMS);
            for (int i = 0; i < ITEMS; i++) {
                JsonNode result = results.get(i);
                if (result.get("ok").asBoolean()) {
                    assertThat(result.get("visitor_id").stringValue()).isEqualTo(answer.visitors().get(i));
                    ok.add(answer.visitors().get(i));
                } else {
                    assertThat(result.toString()).isEqualTo("{\"ok\":false,\"error\":\"unavailable\"}");
                    unavailable++;
                }
            }
        }
        for (Answer answer : answers) {
            String text = answer.body().toString();
            cutOff += text.contains("\"ok\":true") && text.contains("unavailable") ? 1 : 0;
        }
        System.out.printf("[outage] %d batches, %d items ok, %d unavailable, %d batches cut off half way%n",
                answers.size(), ok.size(), unavailable, cutOff);
        assertThat(unavailable).as("the outage was met").isPositive();
        assertThat(ok).as("some batches were accepted before the outage").hasSizeGreaterThanOrEqualTo(ITEMS);

        Set<String> inTopic = new HashSet<>();
        TopicReader.read(infra.bootstrapServers(), TOPIC, r -> ClickEventCodec.decode(r.value()).workspaceId() == ws.id,
                ok.size(), Duration.ofSeconds(30)).forEach(r -> inTopic.add(ClickEventCodec.decode(r.value()).visitorId()));
        assertThat(inTopic).containsAll(ok);

        // The broker is back: items are accepted again without a restart (and the next test class in this JVM
        // meets a producer that has reconnected, not one still waiting for metadata).
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean acceptedAgain = false;
        while (!acceptedAgain && System.nanoTime() < deadline) {
            acceptedAgain = send(key, ref).body().get("results").get(0).get("ok").asBoolean();
        }
        assertThat(acceptedAgain).as("items accepted again after the broker came back").isTrue();
    }

    private Answer send(String key, String ref) {
        List<String> visitors = new ArrayList<>(ITEMS);
        StringBuilder body = new StringBuilder("{\"clicks\":[");
        for (int i = 0; i < ITEMS; i++) {
            String visitor = "v-" + UUID.randomUUID();
            visitors.add(visitor);
            body.append(i == 0 ? "" : ",").append("{\"ref\":\"").append(ref).append("\",\"visitor_id\":\"")
                    .append(visitor).append("\"}");
        }
        long start = System.nanoTime();
        var result = http.post().uri("/v1/track/clicks")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body.append("]}").toString())
                .exchange()
                .expectBody().returnResult();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new Answer(result.getStatus().value(), JSON.readTree(result.getResponseBodyContent()), visitors, took);
    }
}
