package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.common.ClickOrigin;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.origin.TestOrigins;
import dev.affixo.ingest.origin.VisitorOrigins;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClickRequestParserTest {

    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600: two UTF-16 chars, one code point
    private static final VisitorOrigins ORIGINS = TestOrigins.withoutDatabases();
    private static final String FIREFOX =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

    private static ClickRequest parse(String json) {
        return ClickRequestParser.parse(json.getBytes(StandardCharsets.UTF_8), ORIGINS);
    }

    @Test
    void readsAllFieldsAndIgnoresUnknownOnes() {
        ClickRequest r = parse("""
                {"ref":"jane","visitor_id":"v1","fingerprint":"fp","url":"https://shop.example/x?a=1",
                 "referrer":"https://news.example","extra":{"nested":[1,2]}}""");

        assertThat(r).isEqualTo(new ClickRequest("jane", "v1", "fp", "https://shop.example/x?a=1", "https://news.example", ClickOrigin.NONE));
    }

    @Test
    void nullAndEmptyOptionalFieldsAreAbsent() {
        assertThat(parse("{\"ref\":\"jane\",\"visitor_id\":null,\"fingerprint\":\"\",\"url\":null}"))
                .isEqualTo(new ClickRequest("jane", null, null, null, null, ClickOrigin.NONE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not json", "[1,2]", "\"jane\"", "42", "null", "{\"ref\":\"jane\"", "{\"ref\":\"jane\"} {}"})
    void rejectsBodiesThatAreNotOneJsonObject(String body) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.INVALID_JSON));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{}                                        | ref: is required",
            "{\"ref\":\"\"}                            | ref: is required",
            "{\"ref\":null}                            | ref: is required",
            "{\"ref\":42}                              | ref: must be a string",
            "{\"ref\":\"jane\",\"visitor_id\":7}       | visitor_id: must be a string",
            "{\"ref\":\"jane\",\"fingerprint\":{}}     | fingerprint: must be a string",
            "{\"ref\":\"jane\",\"referrer\":[]}        | referrer: must be a string",
            "{\"ref\":\"jane\",\"url\":\"/relative\"}  | url: must be an absolute http(s) URI",
            "{\"ref\":\"jane\",\"url\":\"ftp://x.example/f\"} | url: must be an absolute http(s) URI",
            "{\"ref\":\"jane\",\"url\":\"https://bad host/\"} | url: must be an absolute http(s) URI",
            "{\"ref\":\"jane\",\"url\":true}           | url: must be a string",
    })
    void namesTheOffendingField(String body, String detail) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error()).isEqualTo(ApiError.INVALID_REQUEST);
            assertThat(e.detail()).isEqualTo(detail);
        });
    }

    @ParameterizedTest
    @CsvSource({"ref,128", "visitor_id,128", "fingerprint,256", "referrer,2048"})
    void enforcesLengthLimitsExactlyInCodePoints(String field, int limit) {
        assertThat(parse(withField(field, "a".repeat(limit - 1)))).isNotNull();
        assertThat(parse(withField(field, EMOJI.repeat(limit)))).isNotNull();
        assertThat(parse(withField(field, "a".repeat(limit)))).isNotNull();
        for (String overLimit : new String[] {"a".repeat(limit + 1), EMOJI.repeat(limit + 1)}) {
            assertThatThrownBy(() -> parse(withField(field, overLimit))).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.detail()).isEqualTo(field + ": longer than " + limit + " code points"));
        }
    }

    @Test
    void visitorIdOf128EmojiIsAcceptedAnd129Refused() {
        // 128 emoji are 256 UTF-16 chars: the old char count refused them.
        assertThat(parse(withField("visitor_id", EMOJI.repeat(128))).visitorId()).isEqualTo(EMOJI.repeat(128));
        assertThatThrownBy(() -> parse(withField("visitor_id", EMOJI.repeat(129))))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error()).isEqualTo(ApiError.INVALID_REQUEST);
                    assertThat(e.detail()).isEqualTo("visitor_id: longer than 128 code points");
                });
    }

    @Test
    void urlLimitIs2048CodePoints() {
        String base = "https://shop.example/";
        String atLimit = base + EMOJI.repeat(2048 - base.length());
        assertThat(parse("{\"ref\":\"r\",\"url\":\"" + atLimit + "\"}").url()).isEqualTo(atLimit);
        assertThat(parse("{\"ref\":\"r\",\"url\":\"" + base + "a".repeat(2048 - base.length()) + "\"}")).isNotNull();
        assertThatThrownBy(() -> parse("{\"ref\":\"r\",\"url\":\"" + base + "a".repeat(2049 - base.length()) + "\"}"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.detail()).isEqualTo("url: longer than 2048 code points"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // JSON escapes, as a client's serializer writes them
            "{\"ref\":\"a\\u0000b\"}                         | ref: contains U+0000",
            "{\"ref\":\"r\",\"visitor_id\":\"\\u0000\"}       | visitor_id: contains U+0000",
            "{\"ref\":\"r\",\"fingerprint\":\"\\ud800\"}      | fingerprint: contains an unpaired surrogate",
            "{\"ref\":\"r\",\"referrer\":\"x\\udc00\"}        | referrer: contains an unpaired surrogate",
            "{\"ref\":\"r\",\"visitor_id\":\"\\udc00\\ud800\"} | visitor_id: contains an unpaired surrogate",
            "{\"ref\":\"\\ud83d\"}                           | ref: contains an unpaired surrogate",
            "{\"ref\":\"r\",\"url\":\"https://x.example/\\u0000\"} | url: contains U+0000",
    })
    void refusesTextPostgresqlCannotStoreUnchanged(String body, String detail) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error()).isEqualTo(ApiError.INVALID_REQUEST);
            assertThat(e.detail()).isEqualTo(detail);
        });
    }

    @Test
    void escapedSurrogatePairIsOneCodePointAndAccepted() {
        assertThat(parse("{\"ref\":\"r\",\"visitor_id\":\"\\ud83d\\ude00\"}").visitorId()).isEqualTo(EMOJI);
    }

    @Test
    void malformedUtf8IsInvalidJson() {
        // 0xFF never starts a UTF-8 sequence: not text at all, so not JSON.
        byte[] body = {'{', '"', 'r', 'e', 'f', '"', ':', '"', (byte) 0xFF, '"', '}'};
        assertThatThrownBy(() -> ClickRequestParser.parse(body, ORIGINS)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo(ApiError.INVALID_JSON));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"ref\":\"a\",\"ref\":\"b\"}",
            "{\"ref\":\"a\",\"visitor_id\":\"v\",\"visitor_id\":null}",
            "{\"ref\":\"a\",\"extra\":{\"x\":1,\"x\":2}}",
            "{\"ref\":\"a\",\"extra\":[{\"k\":[{\"deep\":1,\"deep\":1}]}]}",
    })
    void aMemberNameTwiceAnywhereIsInvalidJson(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error()).isEqualTo(ApiError.INVALID_JSON));
    }

    @Test
    void sameMemberNameInSiblingObjectsIsNotADuplicate() {
        assertThat(parse("{\"ref\":\"a\",\"x\":{\"ref\":1},\"y\":{\"ref\":2}}").ref()).isEqualTo("a");
    }

    private static String withField(String field, String value) {
        return "ref".equals(field)
                ? "{\"ref\":\"" + value + "\"}"
                : "{\"ref\":\"r\",\"" + field + "\":\"" + value + "\"}";
    }

    @Test
    void idempotencyKeyIsOptionalAndBounded() {
        assertThat(ClickRequestParser.idempotencyKey(null)).isNull();
        assertThat(ClickRequestParser.idempotencyKey("k".repeat(255))).hasSize(255);
        assertThatThrownBy(() -> ClickRequestParser.idempotencyKey("k".repeat(256)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.detail())
                        .isEqualTo("Idempotency-Key: must be 1 to 255 characters"));
        assertThatThrownBy(() -> ClickRequestParser.idempotencyKey(""))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.detail())
                        .isEqualTo("Idempotency-Key: must be 1 to 255 characters"));
        assertThatThrownBy(() -> ClickRequestParser.idempotencyKey("caf\u00E9"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.detail())
                        .isEqualTo("Idempotency-Key: must be printable ASCII"));
    }

    @Test
    void keepsUserAgentAndWhatTheAddressGivesButNotTheAddress() {
        ClickRequest r = parse("{\"ref\":\"r\",\"ip\":\"81.2.69.142\",\"user_agent\":\"" + FIREFOX + "\"}");
        ClickOrigin origin = r.origin();
        assertThat(origin.userAgent()).isEqualTo(FIREFOX);
        assertThat(origin.ipPrefix()).isEqualTo("81.2.69.0/24");
        assertThat(origin.ipHash()).isEqualTo(TestOrigins.hasher().hash(new byte[] {81, 2, 69, (byte) 142}));
        assertThat(r.toString()).doesNotContain("81.2.69.142");
    }

    @Test
    void anIpv6AddressKeepsItsSlash48() {
        ClickOrigin origin = parse("{\"ref\":\"r\",\"ip\":\"2001:DB8:1:2::7\"}").origin();
        assertThat(origin.ipPrefix()).isEqualTo("2001:db8:1::/48");
        assertThat(origin.userAgent()).isNull();
        assertThat(origin.ipHash()).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void anIpv4MappedAddressIsThatIpv4Address() {
        ClickOrigin mapped = parse("{\"ref\":\"r\",\"ip\":\"::ffff:203.0.113.7\"}").origin();
        ClickOrigin plain = parse("{\"ref\":\"r\",\"ip\":\"203.0.113.7\"}").origin();
        assertThat(mapped).isEqualTo(plain);
        assertThat(mapped.ipPrefix()).isEqualTo("203.0.113.0/24");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"ref\":\"r\"}", "{\"ref\":\"r\",\"ip\":null,\"user_agent\":null}",
            "{\"ref\":\"r\",\"ip\":\"\",\"user_agent\":\"\"}"})
    void withoutIpAndUserAgentTheClickHasNoOrigin(String body) {
        assertThat(parse(body).origin()).isSameAs(ClickOrigin.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "256.1.1.1",
            " 1.2.3.4", "1.2.3.4 ", "1.2.3.4:80", "[::1]", "[2001:db8::1]:443", "fe80::1%eth0", "fe80::1%1",
            "2001:db8::1::2", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "::g", "::1.2.3", "0x7f.0.0.1",
            "\uff11.2.3.4", "1.2.3.4/24", "2001:db8::/48"})
    void anythingButAnAddressLiteralIsRefused(String ip) {
        String body = "{\"ref\":\"r\",\"ip\":\"" + ip + "\"}";
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error()).isEqualTo(ApiError.INVALID_REQUEST);
            assertThat(e.detail()).startsWith("ip: ").doesNotContain(ip);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"ref\":\"r\",\"ip\":16909060}          | ip: must be a string",
            "{\"ref\":\"r\",\"ip\":[\"1.2.3.4\"]}      | ip: must be a string",
            "{\"ref\":\"r\",\"user_agent\":42}         | user_agent: must be a string",
            "{\"ref\":\"r\",\"user_agent\":{}}         | user_agent: must be a string",
            "{\"ref\":\"r\",\"user_agent\":\"a\\u0000\"} | user_agent: contains U+0000",
    })
    void wrongTypesAreInvalidRequests(String body, String detail) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error()).isEqualTo(ApiError.INVALID_REQUEST);
            assertThat(e.detail()).isEqualTo(detail);
        });
    }

    @Test
    void userAgentLimitIs1024CodePoints() {
        assertThat(parse("{\"ref\":\"r\",\"user_agent\":\"" + EMOJI.repeat(1024) + "\"}").origin().userAgent())
                .hasSize(2048);
        assertThatThrownBy(() -> parse("{\"ref\":\"r\",\"user_agent\":\"" + "a".repeat(1025) + "\"}"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.detail()).isEqualTo("user_agent: longer than 1024 code points"));
    }
}
