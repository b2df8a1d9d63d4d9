package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClickRequestParserTest {

    private static ClickRequest parse(String json) {
        return ClickRequestParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsAllFieldsAndIgnoresUnknownOnes() {
        ClickRequest r = parse("""
                {"ref":"jane","visitor_id":"v1","fingerprint":"fp","url":"https://shop.example/x?a=1",
                 "referrer":"https://news.example","extra":{"nested":[1,2]}}""");

        assertThat(r).isEqualTo(new ClickRequest("jane", "v1", "fp", "https://shop.example/x?a=1", "https://news.example"));
    }

    @Test
    void nullAndEmptyOptionalFieldsAreAbsent() {
        assertThat(parse("{\"ref\":\"jane\",\"visitor_id\":null,\"fingerprint\":\"\",\"url\":null}"))
                .isEqualTo(new ClickRequest("jane", null, null, null, null));
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
    void enforcesLengthLimitsExactly(String field, int limit) {
        String atLimit = "{\"ref\":\"r\",\"" + field + "\":\"" + "a".repeat(limit) + "\"}";
        String overLimit = "{\"ref\":\"r\",\"" + field + "\":\"" + "a".repeat(limit + 1) + "\"}";

        parse(atLimit);
        assertThatThrownBy(() -> parse(overLimit)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.detail()).isEqualTo(field + ": longer than " + limit + " characters"));
    }

    @Test
    void urlLimitIs2048Characters() {
        String base = "https://shop.example/";
        parse("{\"ref\":\"r\",\"url\":\"" + base + "a".repeat(2048 - base.length()) + "\"}");
        assertThatThrownBy(() -> parse("{\"ref\":\"r\",\"url\":\"" + base + "a".repeat(2049 - base.length()) + "\"}"))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.detail()).isEqualTo("url: longer than 2048 characters"));
    }

    @Test
    void idempotencyKeyIsOptionalAndBounded() {
        assertThat(ClickRequestParser.idempotencyKey(null)).isNull();
        assertThat(ClickRequestParser.idempotencyKey("k".repeat(255))).hasSize(255);
        assertThatThrownBy(() -> ClickRequestParser.idempotencyKey("k".repeat(256)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.detail())
                        .isEqualTo("Idempotency-Key: must be 1 to 255 characters"));
        assertThatThrownBy(() -> ClickRequestParser.idempotencyKey(""))
                .isInstanceOf(ApiException.class);
    }
}
