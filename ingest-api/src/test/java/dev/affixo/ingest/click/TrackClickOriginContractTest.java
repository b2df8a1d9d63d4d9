package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.ClickOrigin;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.origin.IpLiteral;
import dev.affixo.ingest.origin.TestOrigins;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.ingest.support.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * SPEC §7.2 through real HTTP and Kafka: the optional {@code ip} and {@code user_agent} on both endpoints, what the
 * event carries instead of the address (prefix, keyed hash, the MaxMind test databases' facts), and every way an
 * {@code ip} can be wrong.
 */
class TrackClickOriginContractTest extends IngestApiIntegrationTest {

    private static final String CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private TestData.Workspace ws;
    private String ref;
    private String trackKey;

    @BeforeEach
    void seed() {
        ws = data.workspace();
        ref = "origin-" + UUID.randomUUID().toString().substring(0, 8);
        ws.link(ref);
        trackKey = ws.key(600, "track");
    }

    private WebTestClient.ResponseSpec post(String path, String body, String idempotencyKey) {
        return http.post().uri(path)
                .headers(h -> {
                    h.set(HttpHeaders.AUTHORIZATION, "Bearer " + trackKey);
                    if (idempotencyKey != null) {
                        h.set("Idempotency-Key", idempotencyKey);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private WebTestClient.ResponseSpec click(String visitor, String extra) {
        return post("/v1/track/click", item(visitor, extra), null);
    }

    private String item(String visitor, String extra) {
        return "{\"ref\":\"" + ref + "\",\"visitor_id\":\"" + visitor + "\"" + extra + "}";
    }

    private List<ConsumerRecord<String, byte[]>> published(int expected) {
        return TopicReader.read(infra.bootstrapServers(), TOPIC,
                r -> ClickEventCodec.decode(r.value()).workspaceId() == ws.id, expected, Duration.ofSeconds(10));
    }

    private static String hashOf(String ip) {
        return TestOrigins.hasher().hash(IpLiteral.parse(ip));
    }

    @Test
    void theEventCarriesWhatTheAddressGivesAndNeverTheAddress() {
        click("v4", ",\"ip\":\"81.2.69.142\",\"user_agent\":\"" + CHROME + "\"").expectStatus().isOk()
                .expectBody().json("{\"ok\":true,\"visitor_id\":\"v4\",\"match_method\":\"cookie\"}");
        click("v6", ",\"ip\":\"2001:218:0:0:0:0:0:1\"").expectStatus().isOk();
        click("mapped", ",\"ip\":\"::ffff:81.2.69.142\"").expectStatus().isOk();

        List<ConsumerRecord<String, byte[]>> records = published(3);
        assertThat(records).hasSize(3);
        for (ConsumerRecord<String, byte[]> r : records) {
            String wire = new String(r.value(), StandardCharsets.UTF_8);
            assertThat(wire).contains("\"v\":2").doesNotContain("81.2.69.142").doesNotContain("2001:218:0:0:0:0:0:1")
                    .doesNotContain("2001:218::1");
        }
        ClickOrigin v4 = origin(records, "v4");
        // 81.2.69.0/24 is GB in the Country test data and every kind of anonymous network in the Anonymous-IP one
        assertThat(v4).isEqualTo(new ClickOrigin(CHROME, "81.2.69.0/24", hashOf("81.2.69.142"), "GB", null, true, true));
        assertThat(origin(records, "v6")).isEqualTo(
                new ClickOrigin(null, "2001:218::/48", hashOf("2001:218::1"), "JP", null, false, false));
        assertThat(origin(records, "mapped")).as("an IPv4-mapped address is that IPv4 address")
                .isEqualTo(new ClickOrigin(null, "81.2.69.0/24", hashOf("81.2.69.142"), "GB", null, true, true));
    }

    @Test
    void withoutIpAndUserAgentTheEventIsTheSeedsVersion1() {
        click("plain", ",\"ip\":\"\",\"user_agent\":null").expectStatus().isOk();
        ConsumerRecord<String, byte[]> record = published(1).get(0);
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"v\":1").doesNotContain("ip_hash");
        assertThat(ClickEventCodec.decode(record.value()).origin()).isEqualTo(ClickOrigin.NONE);
    }

    @Test
    void anythingButAnAddressLiteralIsAnInvalidRequestAndNothingIsPublished() {
        String detail = "ip: must be an IPv4 address (203.0.113.7) or an IPv6 address (2001:db8::7), "
                + "without port, brackets or zone";
        for (String ip : List.of("localhost", "example.com", "1.2.3", "01.2.3.4", "1.2.3.4:8080", "[::1]",
                "fe80::1%eth0", "2001:db8::1::2", "1.2.3.4 ")) {
            expectError(click("bad", ",\"ip\":\"" + ip + "\""), 400,
                    "{\"error\":\"invalid_request\",\"detail\":\"" + detail + "\"}");
        }
        expectError(click("bad", ",\"ip\":3232235777"), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"ip: must be a string\"}");
        expectError(click("bad", ",\"user_agent\":[\"Mozilla\"]"), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"user_agent: must be a string\"}");
        expectError(click("bad", ",\"user_agent\":\"" + "a".repeat(1025) + "\""), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"user_agent: longer than 1024 code points\"}");
        expectError(click("bad", ",\"user_agent\":\"a\\u0000\""), 400,
                "{\"error\":\"invalid_request\",\"detail\":\"user_agent: contains U+0000\"}");

        click("marker", "").expectStatus().isOk();
        List<ConsumerRecord<String, byte[]>> records = published(1);
        assertThat(records).hasSize(1);
        assertThat(ClickEventCodec.decode(records.get(0).value()).visitorId()).isEqualTo("marker");
    }

    @Test
    void aUserAgentOf1024CodePointsIsPublishedUnchanged() {
        String ua = "\uD83D\uDE00".repeat(1024);
        click("long-ua", ",\"user_agent\":\"" + ua + "\"").expectStatus().isOk();
        assertThat(ClickEventCodec.decode(published(1).get(0).value()).origin().userAgent()).isEqualTo(ua);
    }

    /** The key binds the body with its user_agent and the hash of its ip: another address is another body. */
    @Test
    void anIdempotencyKeyRetriedWithAnotherAddressOrUserAgentIsReused() {
        String key = "order-" + UUID.randomUUID();
        String body = item("k", ",\"ip\":\"203.0.113.7\",\"user_agent\":\"" + CHROME + "\"");
        String reply = new String(post("/v1/track/click", body, key).expectStatus().isOk().expectBody()
                .returnResult().getResponseBody(), StandardCharsets.UTF_8);
        post("/v1/track/click", item("k", ",\"user_agent\":\"" + CHROME + "\",\"ip\":\"::ffff:203.0.113.7\""), key)
                .expectStatus().isOk().expectBody().json(reply, true);
        expectError(post("/v1/track/click", item("k", ",\"ip\":\"203.0.113.8\",\"user_agent\":\"" + CHROME + "\""),
                key), 422, "{\"error\":\"idempotency_key_reused\"}");
        expectError(post("/v1/track/click", item("k", ",\"ip\":\"203.0.113.7\""), key), 422,
                "{\"error\":\"idempotency_key_reused\"}");
        expectError(post("/v1/track/click", item("k", ""), key), 422, "{\"error\":\"idempotency_key_reused\"}");
    }

    @Test
    void batchItemsCarryTheirOwnOriginAndABadIpFailsOnlyItsItem() {
        String body = "{\"clicks\":["
                + item("b1", ",\"ip\":\"1.0.0.1\",\"user_agent\":\"curl/8.5.0\"") + ","
                + item("b2", ",\"ip\":\"localhost\"") + ","
                + item("b3", ",\"ip\":\"71.160.223.9\"") + ","
                + item("b4", ",\"user_agent\":7") + "]}";
        post("/v1/track/clicks", body, null).expectStatus().isOk().expectBody().json("{\"results\":["
                + "{\"ok\":true,\"visitor_id\":\"b1\",\"match_method\":\"cookie\",\"match_confidence\":1.0},"
                + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"ip: must be an IPv4 address (203.0.113.7) "
                + "or an IPv6 address (2001:db8::7), without port, brackets or zone\"},"
                + "{\"ok\":true,\"visitor_id\":\"b3\",\"match_method\":\"cookie\",\"match_confidence\":1.0},"
                + "{\"ok\":false,\"error\":\"invalid_request\",\"detail\":\"user_agent: must be a string\"}]}", true);

        List<ConsumerRecord<String, byte[]>> records = published(2);
        assertThat(records).hasSize(2);
        assertThat(origin(records, "b1")).isEqualTo(
                new ClickOrigin("curl/8.5.0", "1.0.0.0/24", hashOf("1.0.0.1"), null, 15169L, false, false));
        // 71.160.223.0/24: a hosting provider's network in the Anonymous-IP test data, and nothing else
        assertThat(origin(records, "b3")).isEqualTo(
                new ClickOrigin(null, "71.160.223.0/24", hashOf("71.160.223.9"), null, null, true, false));
    }

    private static ClickOrigin origin(List<ConsumerRecord<String, byte[]>> records, String visitor) {
        return records.stream().map(r -> ClickEventCodec.decode(r.value()))
                .filter(e -> e.visitorId().equals(visitor)).map(ClickEvent::origin).findFirst().orElseThrow();
    }
}
