package dev.affixo.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClickTextTest {

    private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, two UTF-16 chars, one code point

    @ParameterizedTest
    @ValueSource(strings = {"", "jane", EMOJI, "e\u0301", "\u05E9\u05DC\u05D5\u05DD", "\u0001\u001F\u007F",
            "\uFFFF", "\uDBFF\uDFFF"})
    void acceptsUnicodeTextIncludingAstralCombiningRtlAndControls(String value) {
        assertThat(ClickText.unicodeProblem(value)).isNull();
        assertThat(ClickText.isUnicodeText(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "a\u0000", "\u0000" + EMOJI})
    void refusesNul(String value) {
        assertThat(ClickText.unicodeProblem(value)).isEqualTo("contains U+0000");
        assertThat(ClickText.isUnicodeText(value)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "\uDC00", "a\uD800b", "a\uDFFF", "\uDBFF", "\uDC00\uD800", EMOJI + "\uD83D",
            "\uD83D\uD83D\uDE00x\uDE00"})
    void refusesUnpairedSurrogatesHighOrLowAnywhere(String value) {
        assertThat(ClickText.unicodeProblem(value)).isEqualTo("contains an unpaired surrogate");
        assertThat(ClickText.isUnicodeText(value)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ClickField.class)
    void limitIsCountedInCodePointsExactly(ClickField field) {
        int max = field.maxCodePoints();

        assertThat(field.problem(EMOJI.repeat(max - 1))).isNull();
        assertThat(field.problem(EMOJI.repeat(max))).isNull();
        assertThat(field.problem(EMOJI.repeat(max + 1))).isEqualTo("longer than " + max + " code points");
        assertThat(field.problem("a".repeat(max))).isNull();
        assertThat(field.problem("a".repeat(max + 1))).isEqualTo("longer than " + max + " code points");
    }

    @Test
    void limitsAreThoseOfTheSpec() {
        assertThat(ClickField.values()).extracting(ClickField::jsonName, ClickField::maxCodePoints)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ref", 128),
                        org.assertj.core.groups.Tuple.tuple("visitor_id", 128),
                        org.assertj.core.groups.Tuple.tuple("fingerprint", 256),
                        org.assertj.core.groups.Tuple.tuple("url", 2048),
                        org.assertj.core.groups.Tuple.tuple("referrer", 2048),
                        org.assertj.core.groups.Tuple.tuple("user_agent", 1024));
    }

    @Test
    void detailNamesTheFieldAndTheReason() {
        assertThat(ClickField.VISITOR_ID.detail(EMOJI.repeat(129)))
                .isEqualTo("visitor_id: longer than 128 code points");
        assertThat(ClickField.REF.detail("a\u0000")).isEqualTo("ref: contains U+0000");
        assertThat(ClickField.REFERRER.detail("\uD800")).isEqualTo("referrer: contains an unpaired surrogate");
        assertThat(ClickField.URL.detail("https://shop.example/")).isNull();
    }

    @Test
    void notUnicodeTextWinsOverTooLong() {
        // A value that is both is reported as what it is first: text PostgreSQL cannot hold.
        assertThat(ClickField.REF.problem("a".repeat(200) + "\u0000")).isEqualTo("contains U+0000");
    }

    @Test
    void idempotencyKeyIsOneTo255PrintableAsciiCharacters() {
        assertThat(ClickText.idempotencyKeyProblem("k")).isNull();
        assertThat(ClickText.idempotencyKeyProblem(" ~".repeat(127) + "k")).isNull();
        assertThat(ClickText.idempotencyKeyProblem("")).isEqualTo("must be 1 to 255 characters");
        assertThat(ClickText.idempotencyKeyProblem("k".repeat(256))).isEqualTo("must be 1 to 255 characters");
        assertThat(ClickText.idempotencyKeyProblem("k\u007F")).isEqualTo("must be printable ASCII");
        assertThat(ClickText.idempotencyKeyProblem("k\u001F")).isEqualTo("must be printable ASCII");
        assertThat(ClickText.idempotencyKeyProblem("caf\u00E9")).isEqualTo("must be printable ASCII");
    }

    @Test
    void firstProblemOfAnEventIsNullWhenEveryFieldIsValid() {
        assertThat(ClickText.firstProblem(event("jane", EMOJI.repeat(128), "fp", "https://x.example/", null, "k")))
                .isNull();
        assertThat(ClickText.firstProblem(event("jane", "v", null, null, null, null))).isNull();
    }

    @Test
    void firstProblemOfAnEventNamesEachFieldInWireOrder() {
        assertThat(ClickText.firstProblem(event("a\u0000", "\uD800", null, null, null, null)))
                .isEqualTo("ref: contains U+0000");
        assertThat(ClickText.firstProblem(event("jane", "\uD800", "\u0000", null, null, null)))
                .isEqualTo("visitor_id: contains an unpaired surrogate");
        assertThat(ClickText.firstProblem(event("jane", "v", "f".repeat(257), null, null, null)))
                .isEqualTo("fingerprint: longer than 256 code points");
        assertThat(ClickText.firstProblem(event("jane", "v", null, "https://x.example/\u0000", null, null)))
                .isEqualTo("url: contains U+0000");
        assertThat(ClickText.firstProblem(event("jane", "v", null, null, "\uDC00", null)))
                .isEqualTo("referrer: contains an unpaired surrogate");
        assertThat(ClickText.firstProblem(event("jane", "v", null, null, null, "caf\u00E9")))
                .isEqualTo("idempotency_key: must be printable ASCII");
        assertThat(ClickText.firstProblem(event("jane", "v", null, null, null, null)
                .withOrigin(new ClickOrigin("a".repeat(1025), null, null, null, null, false, false))))
                .isEqualTo("user_agent: longer than 1024 code points");
        assertThat(ClickText.firstProblem(event("jane", "v", null, null, null, null)
                .withOrigin(new ClickOrigin(EMOJI.repeat(1024), null, null, null, null, false, false)))).isNull();
    }

    static ClickEvent event(String ref, String visitorId, String fingerprint, String url, String referrer,
                            String idempotencyKey) {
        return new ClickEvent("0195508c-1e00-7a3b-9c41-2f6d8e0a1b2c", 42, 7001, 501, 9L, ref, visitorId,
                MatchMethod.COOKIE, 1.0, fingerprint, url, referrer, 12, idempotencyKey,
                Instant.ofEpochMilli(1740830400123L));
    }
}
