package dev.affixo.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEventCodec;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.ingest.support.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** the contract: an Idempotency-Key is bound to its first body; another body under it is 422 and never published. */
class IdempotencyKeyReuseTest extends IngestApiIntegrationTest {

    private TestData.Workspace ws;
    private String ref;
    private String trackKey;

    @BeforeEach
    void seed() {
        ws = data.workspace();
        ref = "reuse-" + UUID.randomUUID().toString().substring(0, 8);
        ws.link(ref);
        trackKey = ws.key(600, "track");
    }

    private WebTestClient.ResponseSpec post(String idempotencyKey, String body) {
        return http.post().uri("/v1/track/click")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + trackKey)
                .header("Idempotency-Key", idempotencyKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private String body(String visitor, String url) {
        return "{\"ref\":\"" + ref + "\",\"visitor_id\":\"" + visitor + "\",\"url\":\"" + url + "\"}";
    }

    private static String replyOf(WebTestClient.ResponseSpec response) {
        return new String(response.expectStatus().isOk().expectBody().returnResult().getResponseBody(),
                StandardCharsets.UTF_8);
    }

    private List<ConsumerRecord<String, byte[]>> publishedWithKey(String idempotencyKey, int expected) {
        return TopicReader.read(infra.bootstrapServers(), TOPIC,
                r -> idempotencyKey.equals(ClickEventCodec.decode(r.value()).idempotencyKey()), expected,
                Duration.ofSeconds(5));
    }

    @Test
    void anotherBodyUnderABoundKeyIs422AndIsNotPublished() {
        String key = "order-" + UUID.randomUUID();
        String visitor = "v-" + UUID.randomUUID();
        replyOf(post(key, body(visitor, "https://shop.example/a")));

        post(key, body(visitor, "https://shop.example/b"))
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().json("{\"error\":\"idempotency_key_reused\"}", true);
        post(key, body("v-someone-else", "https://shop.example/a")).expectStatus().isEqualTo(422);

        List<ConsumerRecord<String, byte[]>> published = publishedWithKey(key, 1);
        assertThat(published).hasSize(1);
        assertThat(ClickEventCodec.decode(published.get(0).value()).url()).isEqualTo("https://shop.example/a");
    }

    @Test
    void theSameClickReserialisedIsARetryWithTheIdenticalReply() {
        String key = "order-" + UUID.randomUUID();
        String visitor = "v-" + UUID.randomUUID();
        String first = replyOf(post(key, body(visitor, "https://shop.example/a")));
        // Other member order, whitespace, an escaped character, an unknown member, an empty optional: same click.
        String again = replyOf(post(key, "{ \"url\" : \"https:\\/\\/shop.example/a\", \"visitor_id\":\"" + visitor
                + "\", \"referrer\":\"\", \"extra\":1, \"ref\":\"" + ref + "\"}"));

        assertThat(again).isEqualTo(first);
        List<ConsumerRecord<String, byte[]>> published = publishedWithKey(key, 2);
        assertThat(published).hasSize(2);
        assertThat(ClickEventCodec.decode(published.get(1).value()).eventId())
                .isEqualTo(ClickEventCodec.decode(published.get(0).value()).eventId());
    }

    @Test
    void aBindingOlderThanTheRetentionIsTakenOverByTheNextBody() {
        String key = "order-" + UUID.randomUUID();
        replyOf(post(key, body("v-1", "https://shop.example/a")));
        Jdbi.create(infra.dataSource()).useHandle(h -> h.createUpdate("""
                        update idempotency_keys set created_at = now() - interval '24 hours 1 second'
                        where workspace_id = :ws and idempotency_key = :key""")
                .bind("ws", ws.id).bind("key", key).execute());

        replyOf(post(key, body("v-1", "https://shop.example/b")));
        post(key, body("v-1", "https://shop.example/a")).expectStatus().isEqualTo(422);
    }

    @Test
    void theSameKeyInAnotherWorkspaceIsBoundSeparately() {
        TestData.Workspace other = data.workspace();
        other.link(ref);
        String otherTrackKey = other.key(600, "track");
        String key = "order-" + UUID.randomUUID();
        replyOf(post(key, body("v-1", "https://shop.example/a")));

        http.post().uri("/v1/track/click")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + otherTrackKey)
                .header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("v-2", "https://shop.example/b"))
                .exchange()
                .expectStatus().isOk();
    }
}
