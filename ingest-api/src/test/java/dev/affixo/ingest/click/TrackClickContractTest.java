package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.ClickKeys;
import dev.affixo.common.MatchMethod;
import dev.affixo.common.keys.ApiKeyToken;
import dev.affixo.common.keys.KeyKind;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
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
 * Every row of the contract's table of checks (README, "The ingest API"; openapi.yaml), through real HTTP,
 * Kafka and PostgreSQL.
 */
class TrackClickContractTest extends IngestApiIntegrationTest {

    private TestData.Workspace ws;
    private String ref;
    private String trackKey;

    @BeforeEach
    void seed() {
        ws = data.workspace();
        ref = "jane-" + UUID.randomUUID().toString().substring(0, 8);
        ws.link(ref);
        trackKey = ws.key(600, "track");
    }

    private WebTestClient.ResponseSpec post(String authorization, String body) {
        return post(authorization, MediaType.APPLICATION_JSON_VALUE, body, h -> { });
    }

    private WebTestClient.ResponseSpec post(String authorization, String contentType, String body,
                                            Consumer<HttpHeaders> headers) {
        return http.post().uri("/v1/track/click")
                .headers(h -> {
                    if (authorization != null) {
                        h.set(HttpHeaders.AUTHORIZATION, authorization);
                    }
                    if (contentType != null) {
                        h.set(HttpHeaders.CONTENT_TYPE, contentType);
                    }
                    headers.accept(h);
                })
                .bodyValue(body)
                .exchange();
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private String click(String extraFields) {
        return "{\"ref\":\"" + ref + "\"" + extraFields + "}";
    }

    // ---- 200 ----

    @Test
    void acceptedClickIsInKafkaWithEveryFieldOfTheEvent() {
        String visitor = "cookie-" + UUID.randomUUID();
        Instant before = Instant.now();
        post(bearer(trackKey), MediaType.APPLICATION_JSON_VALUE, click(",\"visitor_id\":\"" + visitor
                        + "\",\"fingerprint\":\"fp-1\",\"url\":\"https://shop.example/p?x=1\",\"referrer\":\"https://blog.example/\"," 
                        + "\"unknown_field\":{\"ignored\":true}"),
                h -> h.set("Idempotency-Key", "order-" + visitor))
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals("RateLimit-Policy", "\"per-key\";q=600;w=60")
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=599;t=\\d+")
                .expectBody().json("{\"ok\":true,\"visitor_id\":\"" + visitor
                        + "\",\"match_method\":\"cookie\",\"match_confidence\":1.0}", true);

        ConsumerRecord<String, byte[]> record = single(visitor);
        ClickEvent e = ClickEventCodec.decode(record.value());
        assertThat(UUID.fromString(e.eventId()).version()).isEqualTo(8);
        assertThat(e.workspaceId()).isEqualTo(ws.id);
        assertThat(e.linkId()).isPositive();
        assertThat(e.affiliateId()).isEqualTo(ws.affiliateId);
        assertThat(e.campaignId()).isEqualTo(ws.campaignId);
        assertThat(e.ref()).isEqualTo(ref);
        assertThat(e.visitorId()).isEqualTo(visitor);
        assertThat(e.matchMethod()).isEqualTo(MatchMethod.COOKIE);
        assertThat(e.matchConfidence()).isEqualTo(1.0);
        assertThat(e.fingerprint()).isEqualTo("fp-1");
        assertThat(e.url()).isEqualTo("https://shop.example/p?x=1");
        assertThat(e.referrer()).isEqualTo("https://blog.example/");
        assertThat(e.keyId()).isEqualTo(ws.keyId(trackKey));
        assertThat(e.idempotencyKey()).isEqualTo("order-" + visitor);
        assertThat(e.receivedAt()).isBetween(before.minusMillis(1), Instant.now());
        assertThat(record.key()).isEqualTo(ClickKeys.fingerprintKey(ws.id, "fp-1"));
        assertThat(record.timestamp()).isEqualTo(e.receivedAt().toEpochMilli());
    }

    @Test
    void clickWithoutIdempotencyKeyGetsATimeOrderedEventIdAndVisitorKey() {
        String visitor = "cookie-" + UUID.randomUUID();
        post(bearer(trackKey), click(",\"visitor_id\":\"" + visitor + "\"")).expectStatus().isOk();

        ConsumerRecord<String, byte[]> record = single(visitor);
        ClickEvent e = ClickEventCodec.decode(record.value());
        assertThat(UUID.fromString(e.eventId()).version()).isEqualTo(7);
        assertThat(e.idempotencyKey()).isNull();
        assertThat(e.fingerprint()).isNull();
        assertThat(e.url()).isNull();
        assertThat(record.key()).isEqualTo(ClickKeys.visitorKey(ws.id, visitor));
    }

    @Test
    void fingerprintOnlyClickGetsADerivedVisitorAtTheConfiguredConfidence() {
        String body = click(",\"fingerprint\":\"fp-" + UUID.randomUUID() + "\"");
        String first = bodyOf(post(bearer(trackKey), body));
        String again = bodyOf(post(bearer(trackKey), body));

        assertThat(first).contains("\"match_method\":\"fingerprint\"", "\"match_confidence\":0.8");

        assertThat(visitorOf(first)).isEqualTo(visitorOf(again));
    }

    @Test
    void anonymousClickGetsANewVisitor() {
        post(bearer(trackKey), click("")).expectStatus().isOk()
                .expectBody().jsonPath("$.match_method").isEqualTo("new")
                .jsonPath("$.match_confidence").isEqualTo(0.0)
                .jsonPath("$.visitor_id").value(id -> assertThat(UUID.fromString((String) id).version()).isEqualTo(7));
    }

    @Test
    void retryWithTheSameIdempotencyKeyGetsTheIdenticalReplyAndEventId() {
        String key = "retry-" + UUID.randomUUID();
        byte[] first = post(bearer(trackKey), MediaType.APPLICATION_JSON_VALUE, click(""), h -> h.set("Idempotency-Key", key))
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        byte[] retry = post(bearer(trackKey), MediaType.APPLICATION_JSON_VALUE, click(""), h -> h.set("Idempotency-Key", key))
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();

        assertThat(new String(retry, StandardCharsets.UTF_8)).isEqualTo(new String(first, StandardCharsets.UTF_8));
        String visitor = visitorOf(new String(first, StandardCharsets.UTF_8));
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(infra.bootstrapServers(), TOPIC,
                r -> ClickEventCodec.decode(r.value()).visitorId().equals(visitor), 2, Duration.ofSeconds(10));
        assertThat(records).hasSize(2);
        assertThat(ClickEventCodec.decode(records.get(0).value()).eventId())
                .isEqualTo(ClickEventCodec.decode(records.get(1).value()).eventId());
    }

    @Test
    void sameIdempotencyKeyInAnotherWorkspaceIsAnotherClick() {
        TestData.Workspace other = data.workspace();
        other.link(ref);
        String otherKey = other.key(600, "track");
        String key = "shared-" + UUID.randomUUID();
        String mine = bodyOf(post(bearer(trackKey), MediaType.APPLICATION_JSON_VALUE, click(""),
                h -> h.set("Idempotency-Key", key)));
        String theirs = bodyOf(post(bearer(otherKey), MediaType.APPLICATION_JSON_VALUE, click(""),
                h -> h.set("Idempotency-Key", key)));

        assertThat(visitorOf(mine)).isNotEqualTo(visitorOf(theirs));
    }

    @Test
    void starScopeMayTrackAndSchemeIsCaseInsensitive() {
        post("bearer " + ws.key(600, "*"), click("")).expectStatus().isOk();
        post("BEARER " + trackKey, click("")).expectStatus().isOk();
    }

    @Test
    void jsonWithCharsetAndMissingContentTypeAreAccepted() throws Exception {
        post(bearer(trackKey), "application/json; charset=utf-8", click(""), h -> { }).expectStatus().isOk();
        post(bearer(trackKey), "application/vnd.affixo+json", click(""), h -> { }).expectStatus().isOk();
        assertThat(rawPost(click(""), "Authorization", bearer(trackKey)).statusCode()).isEqualTo(200);
    }

    // ---- 401 ----

    @Test
    void rejectsMissingMalformedUnknownRevokedAndExpiredKeys() {
        String revoked = ws.key(600, "track");
        ws.revoke(revoked);
        String unknownButWellFormed = ApiKeyToken.generate(KeyKind.WORKSPACE);
        String badChecksum = trackKey.substring(0, trackKey.length() - 1) + (trackKey.endsWith("A") ? "B" : "A");

        for (String authorization : new String[] {null, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ",
                "Bearer not-a-key", bearer(badChecksum), bearer(unknownButWellFormed), bearer(revoked),
                bearer(ws.expiredKey("track")), trackKey}) {
            post(authorization, click(""))
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .expectHeader().doesNotExist("RateLimit")
                    .expectBody().json("{\"error\":\"unauthorized\"}", true);
        }
    }

    @Test
    void authenticationIsCheckedBeforeTheBody() {
        expectError(post(null, "text/plain", "garbage", h -> { }), 401, "{\"error\":\"unauthorized\"}");
    }

    // ---- 403 ----

    @Test
    void rejectsKeysWithoutTrackScope() {
        for (String key : new String[] {ws.key(600, "read"), ws.key(600, "read", "write"), ws.key(600),
                ws.affiliateKey("read"), ws.affiliateKey("track", "*")}) {
            post(bearer(key), "not even json")
                    .expectStatus().isForbidden()
                    .expectBody().json("{\"error\":\"insufficient_scope\",\"need\":\"track\"}", true);
        }
    }

    // ---- 429 ----

    @Test
    void overTheKeysLimitAnswers429WithRetryAfterAndRateLimitHeaders() {
        String limited = ws.key(2, "track");
        post(bearer(limited), click("")).expectStatus().isOk()
                .expectHeader().valueEquals("RateLimit-Policy", "\"per-key\";q=2;w=60")
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=1;t=\\d+");
        post(bearer(limited), "invalid json still takes a permit").expectStatus().isBadRequest()
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=0;t=\\d+");
        post(bearer(limited), click(""))
                .expectStatus().isEqualTo(429)
                .expectHeader().valueMatches(HttpHeaders.RETRY_AFTER, "[1-9][0-9]?")
                .expectHeader().valueEquals("RateLimit-Policy", "\"per-key\";q=2;w=60")
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=0;t=\\d+")
                .expectBody().json("{\"error\":\"rate_limited\"}", true);
    }

    // ---- 413 ----

    @Test
    void bodyOverTheLimitIs413WhetherDeclaredOrChunked() {
        String big = click(",\"referrer\":\"" + "x".repeat(16_384) + "\"");
        expectError(post(bearer(trackKey), "text/plain", big, h -> { }), 413, "{\"error\":\"payload_too_large\"}");

        byte[] chunk = "x".repeat(4096).getBytes(StandardCharsets.UTF_8);
        http.post().uri("/v1/track/click")
                .header(HttpHeaders.AUTHORIZATION, bearer(trackKey))
                .contentType(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromDataBuffers(Flux.range(0, 5)
                        .map(i -> (DataBuffer) DefaultDataBufferFactory.sharedInstance.wrap(chunk))))
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().json("{\"error\":\"payload_too_large\"}", true);
    }

    @Test
    void bodyExactlyAtTheLimitIsRead() {
        String prefix = click(",\"referrer\":\"");
        String padded = prefix + " ".repeat(16_384 - prefix.length() - 2) + "\"}";
        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(16_384);
        // 16 384 bytes is within the limit; the referrer is too long, which proves the body was parsed.
        expectError(post(bearer(trackKey), padded), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"referrer: longer than 2048 code points\"}");
    }

    // ---- 415 ----

    @Test
    void nonJsonContentTypeIs415() {
        for (String type : new String[] {"text/plain", "application/xml", "application/x-www-form-urlencoded", "*/*"}) {
            expectError(post(bearer(trackKey), type, click(""), h -> { }), 415, "{\"error\":\"unsupported_media_type\"}");
        }
    }

    @Test
    void declaredTooLargeAndNonJsonAnswersCarryTheRateLimitHeadersLikeEveryAnswerAfterAuthentication() {
        post(bearer(trackKey), "text/plain", click(""), h -> { }).expectStatus().isEqualTo(415)
                .expectHeader().valueEquals("RateLimit-Policy", "\"per-key\";q=600;w=60")
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=599;t=\\d+");
        post(bearer(trackKey), "text/plain", click(",\"referrer\":\"" + "x".repeat(16_384) + "\""), h -> { })
                .expectStatus().isEqualTo(413)
                .expectHeader().valueMatches("RateLimit", "\"per-key\";r=598;t=\\d+");
    }

    @Test
    void unparseableContentTypeIs415() throws Exception {
        HttpResponse<String> response = rawPost(click(""), "Authorization", bearer(trackKey), "Content-Type", "garbage/");
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).isEqualTo("{\"error\":\"unsupported_media_type\"}");
    }

    /** A POST exactly as given: unlike WebTestClient, java.net.http adds no Content-Type of its own. */
    private HttpResponse<String> rawPost(String body, String... headers) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/track/click"))
                .headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    // ---- 400 ----

    @Test
    void unparseableOrNonObjectBodyIsInvalidJson() {
        for (String body : new String[] {"", "{", "not json", "[]", "\"jane\"", "null", "{\"ref\":\"a\"}{}"}) {
            expectError(post(bearer(trackKey), body), 400, "{\"error\":\"invalid_json\"}");
        }
    }

    @Test
    void contractViolationsNameTheField() {
        expectError(post(bearer(trackKey), "{}"), 400, "{\"error\":\"invalid_request\",\"detail\":\"ref: is required\"}");
        expectError(post(bearer(trackKey), "{\"ref\":7}"), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"ref: must be a string\"}");
        expectError(post(bearer(trackKey), click(",\"url\":\"/relative\"")), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"url: must be an absolute http(s) URI\"}");
        expectError(post(bearer(trackKey), click(",\"visitor_id\":{\"a\":1}")), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"visitor_id: must be a string\"}");
        expectError(post(bearer(trackKey), "{\"ref\":\"" + "r".repeat(129) + "\"}"), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"ref: longer than 128 code points\"}");
        expectError(post(bearer(trackKey), MediaType.APPLICATION_JSON_VALUE, click(""),
                        h -> h.set("Idempotency-Key", "k".repeat(256))), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"Idempotency-Key: must be 1 to 255 characters\"}");
    }

    @Test
    void textPostgresqlCannotStoreUnchangedIsRefusedAndNeverPublished() {
        // JSON escapes, as a client's serializer would write these strings.
        expectError(post(bearer(trackKey), click(",\"visitor_id\":\"a\\u0000b\"")), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"visitor_id: contains U+0000\"}");
        expectError(post(bearer(trackKey), click(",\"fingerprint\":\"\\ud800\"")), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"fingerprint: contains an unpaired surrogate\"}");
        expectError(post(bearer(trackKey), click(",\"referrer\":\"x\\udc00\"")), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"referrer: contains an unpaired surrogate\"}");

        assertOnlyTheMarkerIsPublished();
    }

    @Test
    void aMemberNameTwiceIsInvalidJsonAndNeverPublished() {
        expectError(post(bearer(trackKey), "{\"ref\":\"" + ref + "\",\"ref\":\"b\"}"), 400, "{\"error\":\"invalid_json\"}");
        expectError(post(bearer(trackKey), "{\"ref\":\"b\",\"ref\":\"" + ref + "\"}"), 400, "{\"error\":\"invalid_json\"}");
        expectError(post(bearer(trackKey), click(",\"extra\":{\"x\":1,\"x\":2}")), 400, "{\"error\":\"invalid_json\"}");

        assertOnlyTheMarkerIsPublished();
    }

    @Test
    void lengthLimitsCountCodePointsAndAcceptedTextIsPublishedUnchanged() {
        String emoji = "\uD83D\uDE00";
        String visitor = emoji.repeat(127) + UUID.randomUUID().toString().substring(0, 1);
        String base = "https://shop.example/";
        String url = base + emoji.repeat(2048 - base.length());

        post(bearer(trackKey), click(",\"visitor_id\":\"" + visitor + "\",\"url\":\"" + url + "\""))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.visitor_id").isEqualTo(visitor);
        expectError(post(bearer(trackKey), click(",\"visitor_id\":\"" + emoji.repeat(129) + "\"")), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"visitor_id: longer than 128 code points\"}");

        ClickEvent e = ClickEventCodec.decode(single(visitor).value());
        assertThat(e.visitorId()).isEqualTo(visitor);
        assertThat(e.url()).isEqualTo(url);
    }

    /**
     * Sends one valid click and reads this test's workspace back from the topic: exactly that click must be
     * there, so nothing sent before it in the test was published. (Waiting for the marker is what makes an
     * absence observable at all.)
     */
    private void assertOnlyTheMarkerIsPublished() {
        String marker = "marker-" + UUID.randomUUID();
        post(bearer(trackKey), click(",\"visitor_id\":\"" + marker + "\"")).expectStatus().isOk();

        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(infra.bootstrapServers(), TOPIC,
                r -> ClickEventCodec.decode(r.value()).workspaceId() == ws.id, 1, Duration.ofSeconds(10));
        assertThat(records).hasSize(1);
        assertThat(ClickEventCodec.decode(records.get(0).value()).visitorId()).isEqualTo(marker);
    }

    // ---- 404 ----

    @Test
    void unknownInactiveOrOtherWorkspacesRefIsLinkNotFound() {
        TestData.Workspace other = data.workspace();
        String theirs = "theirs-" + UUID.randomUUID();
        other.link(theirs);
        String inactive = "gone-" + UUID.randomUUID();
        ws.link(inactive);
        ws.deactivate(inactive);

        for (String unknown : new String[] {"nobody-" + UUID.randomUUID(), theirs, inactive}) {
            expectError(post(bearer(trackKey), "{\"ref\":\"" + unknown + "\"}"), 404, "{\"error\":\"link_not_found\"}");
        }
    }

    // ---- other methods and paths ----

    @Test
    void otherMethodsOnThePathAre405AndUnknownPathsAre404() {
        for (HttpMethod method : new HttpMethod[] {HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE}) {
            http.method(method).uri("/v1/track/click").header(HttpHeaders.AUTHORIZATION, bearer(trackKey)).exchange()
                    .expectStatus().isEqualTo(405)
                    .expectHeader().valueEquals(HttpHeaders.ALLOW, "POST")
                    .expectBody().json("{\"error\":\"method_not_allowed\"}", true);
        }
        http.post().uri("/v1/track/nothing").exchange()
                .expectStatus().isNotFound()
                .expectBody().json("{\"error\":\"not_found\"}", true);
    }

    // ---- tracing (docs/tracing.md) ----

    @Test
    void aSampledTraceparentReachesTheRecordUnderANewParentAndAnUnsampledOneLeavesNoHeader() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String merchantSpan = "00f067aa0ba902b7";
        String sampled = "cookie-" + UUID.randomUUID();
        String unsampled = "cookie-" + UUID.randomUUID();
        post(bearer(trackKey), MediaType.APPLICATION_JSON_VALUE, click(",\"visitor_id\":\"" + sampled + "\""), h -> {
            h.set("traceparent", "00-" + traceId + "-" + merchantSpan + "-01");
            h.set("tracestate", "merchant=abc");
        }).expectStatus().isOk();
        post(bearer(trackKey), MediaType.APPLICATION_JSON_VALUE, click(",\"visitor_id\":\"" + unsampled + "\""),
                h -> h.set("traceparent", "00-" + traceId + "-" + merchantSpan + "-00")).expectStatus().isOk();

        ConsumerRecord<String, byte[]> traced = single(sampled);
        String traceparent = new String(traced.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8);
        assertThat(traceparent).matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain(merchantSpan);
        assertThat(new String(traced.headers().lastHeader("tracestate").value(), StandardCharsets.UTF_8))
                .isEqualTo("merchant=abc");
        assertThat(single(unsampled).headers().toArray()).isEmpty();
    }

    private ConsumerRecord<String, byte[]> single(String visitorId) {
        List<ConsumerRecord<String, byte[]>> records = TopicReader.read(infra.bootstrapServers(), TOPIC,
                r -> ClickEventCodec.decode(r.value()).visitorId().equals(visitorId), 1, Duration.ofSeconds(10));
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static String bodyOf(WebTestClient.ResponseSpec response) {
        byte[] body = response.expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String visitorOf(String json) {
        int start = json.indexOf("\"visitor_id\":\"") + 14;
        return json.substring(start, json.indexOf('"', start));
    }
}
