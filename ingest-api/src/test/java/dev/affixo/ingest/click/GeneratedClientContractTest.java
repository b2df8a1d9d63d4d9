package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.affixo.client.ApiClient;
import dev.affixo.client.ApiException;
import dev.affixo.client.api.TrackingApi;
import dev.affixo.client.model.ClickAccepted;
import dev.affixo.client.model.ClickBatchItem;
import dev.affixo.client.model.ClickBatchRequest;
import dev.affixo.client.model.ClickBatchResult;
import dev.affixo.client.model.ClickRequest;
import dev.affixo.client.model.Error;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.ClickOrigin;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.ingest.support.TopicReader;
import dev.affixo.infra.seed.TestData;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the running API with the client openapi-generator builds from the top-level openapi.yaml at
 * build time: if the spec and the server drift apart (a field renamed, a status or error code changed),
 * this test stops compiling or fails.
 */
class GeneratedClientContractTest extends IngestApiIntegrationTest {

    private static final String FIREFOX =
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String BAD_IP = "ip: must be an IPv4 address (203.0.113.7) or an IPv6 address "
            + "(2001:db8::7), without port, brackets or zone";

    private TestData.Workspace ws;
    private String ref;
    private ApiClient client;

    @BeforeEach
    void seed() {
        ws = data.workspace();
        ref = "gen-" + UUID.randomUUID();
        ws.link(ref);
        client = new ApiClient();
        client.updateBaseUri(baseUrl());
    }

    private TrackingApi api(String token) {
        return new TrackingApi(client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token)));
    }

    @Test
    void happyPathReturnsTheSpecifiedReply() throws ApiException {
        String visitor = "gen-visitor-" + UUID.randomUUID();
        ClickAccepted reply = api(ws.key(600, "track")).trackClick(new ClickRequest()
                .ref(ref).visitorId(visitor).url(URI.create("https://shop.example/x")).referrer("https://blog.example")
                .ip("2001:218::7").userAgent(FIREFOX),
                "gen-" + UUID.randomUUID());

        assertThat(reply.getOk()).isTrue();
        assertThat(reply.getVisitorId()).isEqualTo(visitor);
        assertThat(reply.getMatchMethod()).isEqualTo(ClickAccepted.MatchMethodEnum.COOKIE);
        assertThat(reply.getMatchConfidence()).isEqualTo(1.0);
        // the spec's member names are the server's: the event carries what the ip and user_agent gave
        ClickOrigin origin = publishedOrigin(visitor);
        assertThat(origin.userAgent()).isEqualTo(FIREFOX);
        assertThat(origin.ipPrefix()).isEqualTo("2001:218::/48");
        assertThat(origin.country()).isEqualTo("JP");
    }

    private ClickOrigin publishedOrigin(String visitor) {
        return TopicReader.read(infra.bootstrapServers(), TOPIC,
                        r -> ClickEventCodec.decode(r.value()).visitorId().equals(visitor), 1, Duration.ofSeconds(10))
                .stream().map(r -> ClickEventCodec.decode(r.value()).origin()).findFirst().orElseThrow();
    }

    @Test
    void batchAnswersEachItemAsSpecified() throws ApiException {
        String visitor = "gen-visitor-" + UUID.randomUUID();
        String key = "gen-" + UUID.randomUUID();
        ClickBatchRequest batch = new ClickBatchRequest()
                .addClicksItem(new ClickBatchItem().ref(ref).visitorId(visitor).idempotencyKey(key))
                .addClicksItem(new ClickBatchItem().ref(ref).url(URI.create("/relative")))
                .addClicksItem(new ClickBatchItem().ref("missing-" + UUID.randomUUID()))
                .addClicksItem(new ClickBatchItem().ref(ref).visitorId("someone-else").idempotencyKey(key))
                .addClicksItem(new ClickBatchItem().ref(ref).ip("localhost"))
                .addClicksItem(new ClickBatchItem().ref(ref).visitorId(visitor + "-ua").ip("81.2.69.142")
                        .userAgent(FIREFOX));

        List<ClickBatchResult> results = api(ws.key(600, "track")).trackClicks(batch).getResults();

        assertThat(results).hasSize(6);
        assertThat(results.get(0).getOk()).isTrue();
        assertThat(results.get(0).getVisitorId()).isEqualTo(visitor);
        assertThat(results.get(0).getMatchMethod()).isEqualTo(ClickBatchResult.MatchMethodEnum.COOKIE);
        assertThat(results.get(0).getMatchConfidence()).isEqualTo(1.0);
        assertThat(results.get(0).getError()).isNull();
        assertItemError(results.get(1), ClickBatchResult.ErrorEnum.INVALID_REQUEST, "url: must be an absolute http(s) URI");
        assertItemError(results.get(2), ClickBatchResult.ErrorEnum.LINK_NOT_FOUND, null);
        assertItemError(results.get(3), ClickBatchResult.ErrorEnum.IDEMPOTENCY_KEY_REUSED, null);
        assertItemError(results.get(4), ClickBatchResult.ErrorEnum.INVALID_REQUEST, BAD_IP);
        assertThat(results.get(5).getOk()).isTrue();
        assertThat(publishedOrigin(visitor + "-ua")).extracting(ClickOrigin::userAgent, ClickOrigin::ipPrefix,
                ClickOrigin::country).containsExactly(FIREFOX, "81.2.69.0/24", "GB");
    }

    @Test
    void batchErrorsOfTheWholeRequestCarryTheSpecifiedStatusAndCode() throws Exception {
        ClickBatchRequest one = new ClickBatchRequest().addClicksItem(new ClickBatchItem().ref(ref));
        assertError(() -> api("sa_live_not-a-key").trackClicks(one), 401, Error.ErrorEnum.UNAUTHORIZED, null);
        assertError(() -> api(ws.key(600, "read")).trackClicks(one), 403, Error.ErrorEnum.INSUFFICIENT_SCOPE, null);
        assertError(() -> api(ws.key(600, "track")).trackClicks(new ClickBatchRequest()), 400,
                Error.ErrorEnum.INVALID_REQUEST, "clicks: must hold 1 to 500 clicks, not 0");
        ClickBatchRequest three = new ClickBatchRequest().addClicksItem(new ClickBatchItem().ref(ref))
                .addClicksItem(new ClickBatchItem().ref(ref)).addClicksItem(new ClickBatchItem().ref(ref));
        assertError(() -> api(ws.key(2, "track")).trackClicks(three), 429, Error.ErrorEnum.RATE_LIMITED, null);
    }

    private static void assertItemError(ClickBatchResult result, ClickBatchResult.ErrorEnum code, String detail) {
        assertThat(result.getOk()).isFalse();
        assertThat(result.getError()).isEqualTo(code);
        assertThat(result.getDetail()).isEqualTo(detail);
        assertThat(result.getVisitorId()).isNull();
    }

    @Test
    void errorsCarryTheSpecifiedStatusAndCode() throws Exception {
        String track = ws.key(600, "track");
        assertError(() -> api("sa_live_not-a-key").trackClick(new ClickRequest().ref(ref), null),
                401, Error.ErrorEnum.UNAUTHORIZED, null);
        assertError(() -> api(ws.key(600, "read")).trackClick(new ClickRequest().ref(ref), null),
                403, Error.ErrorEnum.INSUFFICIENT_SCOPE, null);
        assertError(() -> api(track).trackClick(new ClickRequest().ref(ref).url(URI.create("/relative")), null),
                400, Error.ErrorEnum.INVALID_REQUEST, "url: must be an absolute http(s) URI");
        assertError(() -> api(track).trackClick(new ClickRequest().ref(ref).ip("1.2.3"), null),
                400, Error.ErrorEnum.INVALID_REQUEST, BAD_IP);
        assertError(() -> api(track).trackClick(new ClickRequest().ref(ref).userAgent("u".repeat(1025)), null),
                400, Error.ErrorEnum.INVALID_REQUEST, "user_agent: longer than 1024 code points");
        assertError(() -> api(track).trackClick(new ClickRequest().ref("missing-" + UUID.randomUUID()), null),
                404, Error.ErrorEnum.LINK_NOT_FOUND, null);
    }

    private void assertError(ThrowingCall call, int status, Error.ErrorEnum code, String detail) throws Exception {
        ApiException e = catchThrowableOfType(ApiException.class, call::run);
        assertThat(e).as("expected HTTP %d", status).isNotNull();
        assertThat(e.getCode()).isEqualTo(status);
        Error body = client.getObjectMapper().readValue(e.getResponseBody(), Error.class);
        assertThat(body.getError()).isEqualTo(code);
        assertThat(body.getDetail()).isEqualTo(detail);
        if (code == Error.ErrorEnum.INSUFFICIENT_SCOPE) {
            assertThat(body.getNeed()).isEqualTo("track");
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

}
