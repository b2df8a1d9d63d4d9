package dev.affixo.e2e.roundtrip;

import dev.affixo.e2e.roundtrip.JsonText.Form;
import dev.affixo.e2e.roundtrip.JsonText.Piece;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of JSON string values: valid Unicode text of any length and script, and text that breaks the text rules. */
final class UnicodeArbitraries {

    private UnicodeArbitraries() {
    }

    static Arbitrary<Form> forms() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(Form.RAW)), Tuple.of(3, Arbitraries.just(Form.ESCAPED)),
                Tuple.of(1, Arbitraries.just(Form.SHORT)));
    }

    /** Unicode scalar values (never U+0000, never a surrogate), weighted toward the ones parsers get wrong. */
    static Arbitrary<Integer> scalarValues() {
        return Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(4, Arbitraries.of(0x22, 0x5c, 0x2f)),                          // " \ /
                Tuple.of(4, Arbitraries.integers().between(0x01, 0x1f)),                // C0 controls
                Tuple.of(3, Arbitraries.integers().between(0x7f, 0x9f)),                // DEL, C1 controls
                Tuple.of(6, Arbitraries.integers().between(0xa0, 0x24f)),               // Latin
                Tuple.of(5, Arbitraries.integers().between(0x300, 0x36f)),              // combining marks
                Tuple.of(3, Arbitraries.integers().between(0x5d0, 0x5ea)),              // Hebrew (RTL)
                Tuple.of(3, Arbitraries.integers().between(0x621, 0x64a)),              // Arabic (RTL)
                Tuple.of(2, Arbitraries.of(0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2069)),
                Tuple.of(2, Arbitraries.of(0xfeff, 0x2028, 0x2029, 0xfffd, 0xfffe, 0xffff, 0x200b, 0x200d)),
                Tuple.of(4, Arbitraries.integers().between(0x4e00, 0x9fff)),            // CJK
                Tuple.of(2, Arbitraries.integers().between(0xe000, 0xf8ff)),            // private use
                Tuple.of(8, Arbitraries.integers().between(0x1f300, 0x1faff)),          // emoji (astral)
                Tuple.of(4, Arbitraries.integers().between(0x10000, 0x10ffff)));        // any astral
    }

    static Arbitrary<Piece> pieces() {
        return Combinators.combine(scalarValues(), forms()).as(Piece::new);
    }

    /** Valid text of {@code min..max} code points. */
    static Arbitrary<JsonText> text(int min, int max) {
        return pieces().list().ofMinSize(min).ofMaxSize(max).map(JsonText::of);
    }

    /**
     * Valid text of exactly {@code codePoints} code points, mostly raw so that long values still fit the body
     * limit, mixing one-unit and two-unit (astral) code points so UTF-16 length and code points differ.
     */
    static Arbitrary<JsonText> textOfLength(int codePoints) {
        Arbitrary<Piece> mostlyRaw = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between('a', 'z').map(cp -> new Piece(cp, Form.RAW))),
                Tuple.of(3, Arbitraries.integers().between(0x1f600, 0x1f64f).map(cp -> new Piece(cp, Form.RAW))),
                Tuple.of(2, pieces()));
        return mostlyRaw.list().ofSize(codePoints).map(JsonText::of);
    }

    /** Text of {@code limit - 1}, {@code limit} or {@code limit + 1} code points. */
    static Arbitrary<JsonText> aroundLimit(int limit) {
        return Arbitraries.of(limit - 1, limit, limit + 1).flatMap(UnicodeArbitraries::textOfLength);
    }

    /**
     * Text that is not Unicode text (openapi.yaml): a U+0000 or a lone surrogate, written as a JSON escape, somewhere
     * in valid text. Sometimes a high and a low surrogate land side by side: then they pair up into one valid
     * astral character, exactly as the oracle (and any JSON parser) decodes them.
     */
    static Arbitrary<JsonText> brokenText() {
        Arbitrary<List<Piece>> intruders = Arbitraries.oneOf(
                Arbitraries.just(List.of(new Piece(0, Form.ESCAPED))),
                Arbitraries.of(0xd800, 0xdbff, 0xd83d).map(cp -> List.of(new Piece(cp, Form.ESCAPED))),
                Arbitraries.of(0xdc00, 0xdfff, 0xde00).map(cp -> List.of(new Piece(cp, Form.ESCAPED))),
                Arbitraries.just(List.of(new Piece(0xdc00, Form.ESCAPED), new Piece(0xd800, Form.ESCAPED))),
                Arbitraries.just(List.of(new Piece(0xd83d, Form.ESCAPED), new Piece(0xde00, Form.ESCAPED))));
        return Combinators.combine(pieces().list().ofMaxSize(8), intruders, Arbitraries.integers().between(0, 8))
                .as((valid, intruder, at) -> {
                    List<Piece> all = new ArrayList<>(valid);
                    all.addAll(Math.min(at, all.size()), intruder);
                    return JsonText.of(all);
                });
    }

    /** {@code text} with each code point in a random form: the same decoded value spelled differently. */
    static Arbitrary<JsonText> spelled(String text) {
        return spelledPieces(text).map(JsonText::of);
    }

    static Arbitrary<List<Piece>> spelledPieces(String text) {
        int[] codePoints = text.codePoints().toArray();
        return forms().list().ofSize(codePoints.length).map(forms -> {
            List<Piece> pieces = new ArrayList<>();
            for (int i = 0; i < codePoints.length; i++) {
                pieces.add(new Piece(codePoints[i], forms.get(i)));
            }
            return pieces;
        });
    }
}
