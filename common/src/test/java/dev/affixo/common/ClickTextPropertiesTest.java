package dev.affixo.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The definition of a storable click string, against an independent reference: {@link String#codePoints()}
 * yields an unpaired surrogate as a code point of its own, so "no code point is 0 or a surrogate" is the
 * rule, and the number of code points is the length.
 */
class ClickTextPropertiesTest {

    @Property(tries = 2000)
    void aStringIsAcceptedIffItIsUnicodeTextWithinTheLimit(@ForAll("anyClickString") String value,
                                                           @ForAll ClickField field) {
        boolean unicode = value.codePoints().noneMatch(cp -> cp == 0 || cp >= 0xD800 && cp <= 0xDFFF);
        long codePoints = value.codePoints().count();

        String problem = field.problem(value);

        if (!unicode) {
            assertThat(problem).isIn(ClickText.CONTAINS_NUL, ClickText.UNPAIRED_SURROGATE);
            assertThat(problem).isEqualTo(ClickText.unicodeProblem(value));
        } else if (codePoints > field.maxCodePoints()) {
            assertThat(problem).isEqualTo("longer than " + field.maxCodePoints() + " code points");
        } else {
            assertThat(problem).isNull();
        }
        assertThat(ClickText.isUnicodeText(value)).isEqualTo(unicode);
    }

    @Property(tries = 300)
    void theLimitIsExactInCodePointsWhateverTheCharacters(
            @ForAll ClickField field, @ForAll @IntRange(min = -1, max = 1) int offset,
            @ForAll @Size(min = 1, max = 6) List<@From("unicodeCodePoint") String> alphabet) {
        int length = field.maxCodePoints() + offset;
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < length; i++) {
            value.append(alphabet.get(i % alphabet.size()));
        }

        String problem = field.problem(value.toString());

        assertThat(problem).isEqualTo(offset > 0 ? "longer than " + field.maxCodePoints() + " code points" : null);
    }

    @Property(tries = 1000)
    void everyAcceptedStringRoundTripsThroughTheCodecUnchanged(@ForAll("unicodeText") String value) {
        ClickEvent event = ClickTextTest.event(value, value, value, value, value, null);
        assertThat(ClickText.firstProblem(event)).isNull();

        ClickEvent decoded = ClickEventCodec.decode(ClickEventCodec.encode(event));

        assertThat(decoded).isEqualTo(event);
    }

    /** Mostly Unicode text, with now and then a NUL or a lone surrogate, up to 300 pieces. */
    @Provide
    Arbitrary<String> anyClickString() {
        Arbitrary<String> invalid = Arbitraries.oneOf(
                Arbitraries.just("\u0000"),
                Arbitraries.chars().range('\uD800', '\uDFFF').map(String::valueOf));
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(30, unicodeCodePoint()),
                        net.jqwik.api.Tuple.of(1, invalid))
                .list().ofMaxSize(300)
                .map(pieces -> String.join("", pieces));
    }

    /** Unicode text only, short enough for every field's limit (128 code points). */
    @Provide
    Arbitrary<String> unicodeText() {
        return unicodeCodePoint().list().ofMaxSize(128).map(pieces -> String.join("", pieces));
    }

    /** One code point other than U+0000 and the surrogates: ASCII, controls, combining, RTL, astral, any plane. */
    @Provide
    Arbitrary<String> unicodeCodePoint() {
        return Arbitraries.oneOf(
                        Arbitraries.integers().between(0x20, 0x7E),        // ASCII
                        Arbitraries.integers().between(0x01, 0x1F),        // C0 controls
                        Arbitraries.integers().between(0x7F, 0x9F),        // DEL and C1 controls
                        Arbitraries.integers().between(0x0300, 0x036F),    // combining marks
                        Arbitraries.integers().between(0x0590, 0x06FF),    // Hebrew, Arabic (RTL)
                        Arbitraries.integers().between(0x200E, 0x202E),    // bidi marks and overrides
                        Arbitraries.integers().between(0x1F300, 0x1FAFF), // emoji (astral)
                        Arbitraries.integers().between(0x01, 0xD7FF),
                        Arbitraries.integers().between(0xE000, 0xFFFF),
                        Arbitraries.integers().between(0x10000, 0x10FFFF))
                .map(Character::toString);
    }
}
