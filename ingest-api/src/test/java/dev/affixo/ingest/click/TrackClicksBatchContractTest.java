package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.ingest.support.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;

/**
 * SPEC §7.3, {@code POST /v1/track/clicks}, through real HTTP, Kafka and PostgreSQL: every error of the request as
 * a whole, every error of an item, and what reaches the topic — exactly the items answered {@code ok:true}.
 */
class TrackClicksBatchContractTest extends IngestApiIntegrationTest {

    private static final String PATH = "/v1/track/clicks";

    private TestData.Workspace ws;
    private String ref;
    private String trackKey;

    @BeforeEach
    void seed() {
        ws = data.workspace();
        ref = "batch-" + UUID.randomUUID().toString().substring(0, 8);
        ws.link(ref);
        trackKey = ws.key(600, "track");
    }

    private WebTestClient.ResponseSpec post(String token, String contentType, String body) {
        return http.post().uri(PATH)
                .headers(h -> {
                    if (token != null) {
                        h.set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
                    }
                    if (contentType != null) {
                        h.set(HttpHeaders.CONTENT_TYPE, contentType);
                    }
                })
                .bodyValue(body)
                .exchange();
    }

    private WebTestClient.ResponseSpec post(String body) {
        return post(trackKey, MediaType.APPLICATION_JSON_VALUE, body);
    }

    private static String batch(String... items) {
        return "{\"clicks\":[" + String.join(",", items) + "]}";
    }

    private String item(String visitor, String extra) {
        return "{\"ref\":\"" + ref + "\",\"visitor_id\":\"" + visitor + "\"" + extra + "}";
    }

    private static String cookieReply(String visitor) {
        return "{\"ok\":true,\"visitor_id\":\"" + visitor + "\",\"match_method\":\"cookie\",\"match_confidence\":1.0}";
    }

    private static String bodyOf(WebTestClient.ResponseSpec response) {
        return new String(response.expectStatus().isOk().expectBody().returnResult().getResponseBody(),
                StandardCharsets.UTF_8);
    }

    /** This workspace's records, read until {@code expected} are there (and then to the end of the topic). */
    private List<ClickEvent> published(int expected) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(infra.bootstrapServers(), TOPIC,
                r -> ClickEventCodec.decode(r.value()).workspaceId() == ws.id, expected, Duration.ofSeconds(10));
        return records.stream().map(r -> ClickEventCodec.decode(r.value())).toList();
    }

    // ---- 200: the results, item by item ----

    @Test
    void mixedBatchAnswersEachItemAndPublishesExactlyTheValidOnes() {
        String reusedKey = "order-" + UUID.randomUUID();
        String first = "first-" + UUID.randomUUID();
        // binds the key to one body through the single endpoint: one record
        http.post().uri("/v1/track/click").header(HttpHeaders.AUTHORIZATION, "Bearer " + trackKey)
                .header("Idempotency-Key", reusedKey).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(item(first, "")).exchange().expectStatus().isOk();
        String valid = "valid-" + UUID.randomUUID();
        String keyed = "keyed-" + UUID.randomUUID();
        String freshKey = "order-" + UUID.randomUUID();

        post(batch(
                item(valid, ",\"url\":\"https://shop.example/a\""),
                "{\"visitor_id\":\"no-ref\"}",
                "{\"ref\":\"nobody-" + UUID.randomUUID() + "\",\"visitor_id\":\"unknown-ref\"}",
                item("someone-else", ",\"idempotency_key\":\"" + reusedKey + "\""),
                item(keyed, ",\"idempotency_key\":\"" + freshKey + "\"")))
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                // one permit per item, five items, after the single click's one
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=594;t=\\d+")
                .expectBody().json("{\"results\":["
                        + cookieReply(valid) + ","
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"ref: is required\"},"
                        + "{\"ok\":false,\"error\":\"link_not_found\"},"
                        + "{\"ok\":false,\"error\":\"idempotency_key_reused\"},"
                        + cookieReply(keyed) + "]}", true);

        List<ClickEvent> events = published(3);
        assertThat(events).extracting(ClickEvent::visitorId).containsExactlyInAnyOrder(first, valid, keyed);
        ClickEvent validEvent = events.stream().filter(e -> e.visitorId().equals(valid)).findFirst().orElseThrow();
        assertThat(validEvent.url()).isEqualTo("https://shop.example/a");
        assertThat(validEvent.ref()).isEqualTo(ref);
        assertThat(validEvent.keyId()).isEqualTo(ws.keyId(trackKey));
        assertThat(validEvent.idempotencyKey()).isNull();
        assertThat(UUID.fromString(validEvent.eventId()).version()).isEqualTo(7);
        ClickEvent keyedEvent = events.stream().filter(e -> e.visitorId().equals(keyed)).findFirst().orElseThrow();
        assertThat(keyedEvent.idempotencyKey()).isEqualTo(freshKey);
        assertThat(UUID.fromString(keyedEvent.eventId()).version()).isEqualTo(8);
    }

    @Test
    void everyItemErrorIsTheSingleClicksWithItsDetail() {
        TestData.Workspace other = data.workspace();
        String theirs = "theirs-" + UUID.randomUUID();
        other.link(theirs);
        String inactive = "gone-" + UUID.randomUUID();
        ws.link(inactive);
        ws.deactivate(inactive);

        post(batch(
                "{}",
                "{\"ref\":7}",
                "[\"not\",\"an\",\"object\"]",
                "\"jane\"",
                "null",
                item("v", ",\"url\":\"/relative\""),
                item("v", ",\"fingerprint\":{\"a\":1}"),
                "{\"ref\":\"" + "r".repeat(129) + "\"}",
                item("a\\u0000b", ""),
                item("v", ",\"referrer\":\"\\ud800\""),
                item("v", ",\"idempotency_key\":\"" + "k".repeat(256) + "\""),
                item("v", ",\"idempotency_key\":\"caf\u00e9\""),
                item("v", ",\"idempotency_key\":42"),
                "{\"ref\":\"" + theirs + "\"}",
                "{\"ref\":\"" + inactive + "\"}"))
                .expectStatus().isOk()
                .expectBody().json("{\"results\":["
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"ref: is required\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"ref: must be a string\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"click: must be a JSON object\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"click: must be a JSON object\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"click: must be a JSON object\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"url: must be an absolute http(s) URI\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"fingerprint: must be a string\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"ref: longer than 128 code points\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"visitor_id: contains U+0000\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"referrer: contains an unpaired surrogate\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"idempotency_key: must be 1 to 255 characters\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"idempotency_key: must be printable ASCII\"},"
                        + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"idempotency_key: must be a string\"},"
                        + "{\"ok\":false,\"error\":\"link_not_found\"},"
                        + "{\"ok\":false,\"error\":\"link_not_found\"}]}", true);

        assertOnlyTheMarkerIsPublished();
    }

    @Test
    void aBatchSentTwiceWithItemKeysGetsTheIdenticalAnswerAndTheSameEvents() {
        String tag = UUID.randomUUID().toString();
        String body = batch(
                item("v1-" + tag, ",\"idempotency_key\":\"a-" + tag + "\""),
                "{\"ref\":\"" + ref + "\",\"idempotency_key\":\"b-" + tag + "\"}", // minted visitor: derived from the key
                "{\"ref\":\"" + ref + "\",\"fingerprint\":\"fp-" + tag + "\",\"idempotency_key\":\"c-" + tag + "\"}",
                "{\"ref\":\"nobody-" + tag + "\",\"idempotency_key\":\"d-" + tag + "\"}");

        String first = bodyOf(post(body));
        String again = bodyOf(post(body));

        assertThat(again).isEqualTo(first);
        assertThat(first).contains("\"match_method\":\"new\"", "\"match_method\":\"fingerprint\"",
                "{\"ok\":false,\"error\":\"link_not_found\"}");
        // Each keyed click twice on the topic under one event id: the processor stores it once, as for a retried
        // single click. The unknown ref is not published and its key was not bound.
        Map<String, List<String>> eventIdsByKey = new TreeMap<>();
        published(6).forEach(e -> eventIdsByKey.computeIfAbsent(e.idempotencyKey(), k -> new ArrayList<>())
                .add(e.eventId()));
        assertThat(eventIdsByKey).containsOnlyKeys("a-" + tag, "b-" + tag, "c-" + tag);
        eventIdsByKey.values().forEach(ids -> assertThat(ids).hasSize(2).containsOnly(ids.get(0)));
    }

    @Test
    void anItemAndASingleClickUnderOneKeyAreOneClick() {
        String key = "order-" + UUID.randomUUID();
        String single = bodyOf(http.post().uri("/v1/track/click").header(HttpHeaders.AUTHORIZATION, "Bearer " + trackKey)
                .header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"ref\":\"" + ref + "\"}").exchange());

        // the same click as a batch item gets the identical reply; another body under the key is reused
        post(batch("{\"ref\":\"" + ref + "\",\"idempotency_key\":\"" + key + "\"}",
                "{\"ref\":\"" + ref + "\",\"url\":\"https://other.example/\",\"idempotency_key\":\"" + key + "\"}"))
                .expectStatus().isOk()
                .expectBody().json("{\"results\":[" + single + ",{\"ok\":false,\"error\":\"idempotency_key_reused\"}]}",
                        true);
    }

    @Test
    void theSameKeyTwiceInOneBatchIsOneClickOrReused() {
        String key = "order-" + UUID.randomUUID();
        String a = "{\"ref\":\"" + ref + "\",\"idempotency_key\":\"" + key + "\"}";
        String b = "{\"ref\":\"" + ref + "\",\"referrer\":\"https://b.example/\",\"idempotency_key\":\"" + key + "\"}";

        String answer = bodyOf(post(batch(a, b, a)));

        String[] results = answer.substring("{\"results\":[".length(), answer.length() - 2).split("(?<=\\}),");
        assertThat(results).hasSize(3);
        assertThat(results[0]).startsWith("{\"ok\":true");
        assertThat(results[1]).isEqualTo("{\"ok\":false,\"error\":\"idempotency_key_reused\"}");
        assertThat(results[2]).isEqualTo(results[0]);
        List<ClickEvent> events = published(2);
        assertThat(events).hasSize(2).extracting(ClickEvent::referrer).containsOnlyNulls();
    }

    @Test
    void itemsAreCountedByOutcomeAndTheBatchOnceInItsOwnHistogram() {
        double accepted = metric("affixo_ingest_batch_items_total", "outcome=\"accepted\"");
        double notFound = metric("affixo_ingest_batch_items_total", "outcome=\"link_not_found\"");
        double invalid = metric("affixo_ingest_batch_items_total", "outcome=\"invalid_request\"");
        double batches = metric("affixo_ingest_batch_seconds_count", "outcome=\"answered\"");
        double singles = metric("affixo_ingest_requests_total", "outcome=\"accepted\"");

        post(batch(item("m1", ""), item("m2", ""), "{\"ref\":\"nobody\"}", "{}")).expectStatus().isOk();

        assertThat(metric("affixo_ingest_batch_items_total", "outcome=\"accepted\"")).isEqualTo(accepted + 2);
        assertThat(metric("affixo_ingest_batch_items_total", "outcome=\"link_not_found\"")).isEqualTo(notFound + 1);
        assertThat(metric("affixo_ingest_batch_items_total", "outcome=\"invalid_request\"")).isEqualTo(invalid + 1);
        assertThat(metric("affixo_ingest_batch_seconds_count", "outcome=\"answered\"")).isEqualTo(batches + 1);
        // the single click's counters are the single endpoint's
        assertThat(metric("affixo_ingest_requests_total", "outcome=\"accepted\"")).isEqualTo(singles);
    }

    // ---- the request as a whole ----

    @Test
    void rejectsMissingUnknownAndUnscopedKeysBeforeTheBody() {
        expectError(post(null, "text/plain", "garbage"), 401, "{\"error\":\"unauthorized\"}");
        expectError(post("sa_live_not-a-key", MediaType.APPLICATION_JSON_VALUE, batch(item("v", ""))), 401,
                "{\"error\":\"unauthorized\"}");
        expectError(post(ws.key(600, "read"), "text/plain", "garbage"), 403,
                "{\"error\":\"insufficient_scope\",\"need\":\"track\"}");
    }

    @Test
    void wholeRequestErrorsOfTheBody() {
        for (String body : new String[] {"", "{", "not json", "[]", "\"clicks\"", "null", batch(item("v", "")) + "{}",
                "{\"clicks\":[" + item("v", "") + "],\"clicks\":[]}",
                "{\"clicks\":[{\"ref\":\"" + ref + "\",\"ref\":\"b\"}]}"}) {
            expectError(post(body), 400, "{\"error\":\"invalid_json\"}");
        }
        expectError(post("{}"), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"clicks: must be an array of 1 to 500 clicks\"}");
        expectError(post("{\"clicks\":{\"ref\":\"" + ref + "\"}}"), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"clicks: must be an array of 1 to 500 clicks\"}");
        expectError(post("{\"clicks\":null}"), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"clicks: must be an array of 1 to 500 clicks\"}");
        expectError(post(batch()), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"clicks: must hold 1 to 500 clicks, not 0\"}");
        expectError(post(batch(Collections.nCopies(501, "{}").toArray(String[]::new))), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"clicks: must hold 1 to 500 clicks, not 501\"}");
        for (String type : new String[] {"text/plain", "application/xml", "application/x-www-form-urlencoded"}) {
            expectError(post(trackKey, type, batch(item("v", ""))), 415, "{\"error\":\"unsupported_media_type\"}");
        }

        assertOnlyTheMarkerIsPublished();
    }

    @Test
    void fiveHundredItemsAreABatchAndOneMebibyteIsItsSize() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String[] items = new String[500];
        for (int i = 0; i < items.length; i++) {
            items[i] = item("v" + i + "-" + tag, "");
        }
        String answer = bodyOf(post(batch(items)));
        for (int i = 0; i < items.length; i++) {
            assertThat(answer).contains(cookieReply("v" + i + "-" + tag));
        }
        assertThat(answer.split("\"ok\":true", -1)).hasSize(501);
        assertThat(published(500)).hasSize(500);

        // exactly 1 MiB is read (the one item's referrer is too long, which proves it was parsed) …
        String prefix = "{\"clicks\":[{\"ref\":\"" + ref + "\",\"referrer\":\"";
        String suffix = "\"}]}";
        String atLimit = prefix + "x".repeat(1_048_576 - prefix.length() - suffix.length()) + suffix;
        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(1_048_576);
        post(atLimit).expectStatus().isOk().expectBody().json("{\"results\":[{\"ok\":false,\"error\":\"invalid_request\","
                + "\"detail\":\"referrer: longer than 2048 code points\"}]}", true);
        // … one byte more is 413, declared or streamed
        String overLimit = prefix + "x".repeat(1_048_577 - prefix.length() - suffix.length()) + suffix;
        expectError(post(trackKey, "text/plain", overLimit), 413, "{\"error\":\"payload_too_large\"}");
        byte[] chunk = "x".repeat(65_536).getBytes(StandardCharsets.UTF_8);
        expectError(http.post().uri(PATH)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + trackKey)
                .contentType(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromDataBuffers(Flux.range(0, 17)
                        .map(i -> (DataBuffer) DefaultDataBufferFactory.sharedInstance.wrap(chunk))))
                .exchange(), 413, "{\"error\":\"payload_too_large\"}");
    }

    @Test
    void aBatchNeedsOnePermitPerItemAndARefusedBatchTakesNone() {
        String limited = ws.key(5, "track");
        post(limited, MediaType.APPLICATION_JSON_VALUE, batch(item("a", ""), item("b", ""), item("c", "")))
                .expectStatus().isOk()
                .expectHeader().valueEquals("RateLimit-Policy", "\"per-key\";q=5;w=60")
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=2;t=\\d+");
        // three more do not fit into the two left: 429 for the whole batch, and the two are still there
        post(limited, MediaType.APPLICATION_JSON_VALUE, batch(item("d", ""), item("e", ""), item("f", "")))
                .expectStatus().isEqualTo(429)
                .expectHeader().valueMatches(HttpHeaders.RETRY_AFTER, "[1-9][0-9]?")
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=2;t=\\d+")
                .expectBody().json("{\"error\":\"rate_limited\"}", true);
        // a batch refused as a whole costs one, like a single click's bad body
        post(limited, MediaType.APPLICATION_JSON_VALUE, "not json").expectStatus().isBadRequest()
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=1;t=\\d+");
        post(limited, MediaType.APPLICATION_JSON_VALUE, batch(item("g", ""))).expectStatus().isOk()
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=0;t=\\d+");
        // none left: 429 comes before the body's own errors, as for one click
        expectError(post(limited, "text/plain", "not json"), 429, "{\"error\":\"rate_limited\"}");
        // more items than the key's whole window holds can never pass
        String tiny = ws.key(2, "track");
        expectError(post(tiny, MediaType.APPLICATION_JSON_VALUE, batch(item("h", ""), item("i", ""), item("j", ""))),
                429, "{\"error\":\"rate_limited\"}");

        List<ClickEvent> events = published(4);
        assertThat(events).extracting(ClickEvent::visitorId).containsExactlyInAnyOrder("a", "b", "c", "g");
    }

    @Test
    void otherMethodsAre405() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE}) {
            http.method(method).uri(PATH).header(HttpHeaders.AUTHORIZATION, "Bearer " + trackKey).exchange()
                    .expectStatus().isEqualTo(405)
                    .expectHeader().valueEquals(HttpHeaders.ALLOW, "POST")
                    .expectBody().json("{\"error\":\"method_not_allowed\"}", true);
        }
    }

    /** One valid item, then this workspace's records: exactly that one, so nothing sent before it was published. */
    // ---- tracing (docs/tracing.md) ----

    @Test
    void everyItemOfASampledBatchIsSentUnderItsOwnSpanOfTheMerchantsTrace() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String merchantSpan = "00f067aa0ba902b7";
        http.post().uri(PATH)
                .headers(h -> {
                    h.set(HttpHeaders.AUTHORIZATION, "Bearer " + trackKey);
                    h.set("traceparent", "00-" + traceId + "-" + merchantSpan + "-01");
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(batch(item("t-1", ""), item("t-2", ""), item("t-3", "")))
                .exchange().expectStatus().isOk();

        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(infra.bootstrapServers(), TOPIC,
                r -> ClickEventCodec.decode(r.value()).workspaceId() == ws.id, 3, Duration.ofSeconds(10));
        assertThat(records).hasSize(3);
        List<String> parents = records.stream()
                .map(r -> new String(r.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .peek(tp -> assertThat(tp).matches("00-" + traceId + "-[0-9a-f]{16}-01"))
                .map(tp -> tp.substring(36, 52)).toList();
        assertThat(parents).doesNotHaveDuplicates().doesNotContain(merchantSpan);
    }

    private void assertOnlyTheMarkerIsPublished() {
        String marker = "marker-" + UUID.randomUUID();
        post(batch(item(marker, ""))).expectStatus().isOk().expectBody().json("{\"results\":[" + cookieReply(marker) + "]}", true);
        List<ClickEvent> events = published(1);
        assertThat(events).extracting(ClickEvent::visitorId).containsExactly(marker);
    }
}
