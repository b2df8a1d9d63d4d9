package dev.affixo.e2e.roundtrip;

import dev.affixo.e2e.roundtrip.JsonText.Form;
import dev.affixo.e2e.roundtrip.JsonText.Piece;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators for the url field: absolute http(s) URLs with a host (ASCII host; path, query and fragment with
 * percent escapes and non-ASCII letters, marks and emoji), URLs at the length limit ±1, and strings that are not
 * such a URL. Every character may be sent JSON-escaped ({@code https:\/\/}), which must not matter.
 */
final class UrlArbitraries {

    private static final String PUNCTUATION = "-._~!$&'()*+,;=:@/";

    private UrlArbitraries() {
    }

    static Arbitrary<JsonText> httpUrls() {
        return Combinators.combine(prefixes(), pathPieces().list().ofMaxSize(30), fragments())
                .as((prefix, path, fragment) -> {
                    List<Piece> all = new ArrayList<>(prefix);
                    all.add(new Piece('/', Form.RAW));
                    all.addAll(path);
                    all.addAll(fragment);
                    return JsonText.of(all);
                });
    }

    /** {@code https://shop.example/} followed by path characters up to {@code limit - 1}, {@code limit} or {@code limit + 1} code points. */
    static Arbitrary<JsonText> httpUrlsAroundLimit(int limit) {
        String prefix = "https://shop.example/";
        Arbitrary<Piece> mostlyRaw = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between('a', 'z').map(cp -> new Piece(cp, Form.RAW))),
                Tuple.of(2, Arbitraries.integers().between(0x1f600, 0x1f64f).map(cp -> new Piece(cp, Form.RAW))),
                Tuple.of(2, pathPieces()));
        return Arbitraries.of(limit - 1, limit, limit + 1).flatMap(total -> mostlyRaw.list()
                .ofSize(total - prefix.length())
                .map(path -> {
                    List<Piece> all = new ArrayList<>(JsonText.pieces(prefix, Form.RAW));
                    all.addAll(path);
                    return JsonText.of(all);
                }));
    }

    /** Strings that are not an absolute http(s) URL with a host. */
    static Arbitrary<JsonText> notHttpUrls() {
        Arbitrary<JsonText> known = Arbitraries.of(
                "shop.example/page", "/relative/path", "//shop.example/no-scheme", "ftp://shop.example/file",
                "mailto:jane@shop.example", "javascript:alert(1)", "https://", "https:///no-host", "http:/one-slash",
                "http//shop.example", "https://shop example/", "https://shop.example/a b", "https://shop.example/a\"b",
                "https://shop.example/%zz", "https://shop.example/%4", "https://shop.example:http/",
                "https://shop.example/#a#b", "urn:isbn:0451450523", "data:text/plain,hi", " https://shop.example/")
                .flatMap(UnicodeArbitraries::spelled);
        return Arbitraries.frequencyOf(Tuple.of(3, known), Tuple.of(1, UnicodeArbitraries.text(1, 24)));
    }

    /** A valid URL with U+0000 or a lone surrogate (JSON-escaped) in its path: not Unicode text. */
    static Arbitrary<JsonText> brokenHttpUrls() {
        return Combinators.combine(httpUrls(), Arbitraries.of(0, 0xd800, 0xdfff)).as((url, unit) -> {
            String decoded = url.decoded();
            List<Piece> all = new ArrayList<>(JsonText.pieces(decoded, Form.RAW));
            all.add(new Piece(unit, Form.ESCAPED));
            return JsonText.of(all);
        });
    }

    private static Arbitrary<List<Piece>> prefixes() {
        Arbitrary<String> schemes = Arbitraries.of("http", "https", "HTTPS", "Http");
        Arbitrary<String> hosts = Arbitraries.of("shop.example", "a.b-c.example.com", "127.0.0.1", "localhost",
                "xn--bcher-kva.example", "SHOP.EXAMPLE");
        Arbitrary<String> ports = Arbitraries.of("", "", ":8080", ":443");
        return Combinators.combine(schemes, hosts, ports).as((scheme, host, port) -> scheme + "://" + host + port)
                .flatMap(UnicodeArbitraries::spelledPieces);
    }

    /** Characters a path, query or fragment may hold (never {@code #}, added once by {@link #fragments()}). */
    private static Arbitrary<Piece> pathPieces() {
        Arbitrary<Integer> codePoints = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between('a', 'z')),
                Tuple.of(3, Arbitraries.integers().between('0', '9')),
                Tuple.of(4, Arbitraries.of(PUNCTUATION.chars().boxed().toList())),
                Tuple.of(1, Arbitraries.just((int) '?')),
                Tuple.of(3, Arbitraries.integers().between(0xc0, 0x24f)),         // Latin letters
                Tuple.of(2, Arbitraries.integers().between(0x5d0, 0x5ea)),        // Hebrew letters (RTL)
                Tuple.of(1, Arbitraries.integers().between(0x300, 0x36f)),        // combining marks
                Tuple.of(2, Arbitraries.integers().between(0x4e00, 0x9fa5)),      // CJK, assigned since Unicode 1.1
                Tuple.of(2, Arbitraries.integers().between(0x1f600, 0x1f64f)));   // emoji (astral)
        return Combinators.combine(codePoints, UnicodeArbitraries.forms()).as(Piece::new);
    }

    private static Arbitrary<List<Piece>> fragments() {
        Arbitrary<List<Piece>> percentEscape = Arbitraries.of("%20", "%C3%A9", "%f0%9f%98%80", "%25")
                .map(text -> JsonText.pieces(text, Form.RAW));
        Arbitrary<List<Piece>> fragment = pathPieces().list().ofMaxSize(8).map(pieces -> {
            List<Piece> all = new ArrayList<>();
            all.add(new Piece('#', Form.RAW));
            all.addAll(pieces);
            return all;
        });
        return Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(List.of())), Tuple.of(2, percentEscape),
                Tuple.of(2, fragment));
    }
}
