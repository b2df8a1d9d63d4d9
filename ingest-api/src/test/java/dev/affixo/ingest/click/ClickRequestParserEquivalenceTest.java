package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.origin.TestOrigins;
import dev.affixo.ingest.origin.VisitorOrigins;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

/**
 * The single-click body is read as a stream, a batch item as a tree: a click must mean the same in both endpoints,
 * so for every generated body both readings give the same click or the same error (code and detail). The bodies
 * mix the known members (valid, empty, too long, of the wrong type, null, nested), unknown ones, duplicates, and
 * broken or trailing JSON.
 */
class ClickRequestParserEquivalenceTest {

    private static final VisitorOrigins ORIGINS = TestOrigins.withoutDatabases();

    private static final List<String> NAMES = List.of("ref", "url", "visitor_id", "fingerprint", "referrer",
            "user_agent", "ip", "idempotency_key", "other", "Ref", "nested");

    @Property(tries = 3000)
    void theStreamAndTheTreeReadEveryBodyAlike(@ForAll("bodies") String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(() -> ClickRequestParser.parse(bytes, ORIGINS)))
                .as(body)
                .isEqualTo(outcome(() -> ClickRequestParser.fromObject(ClickRequestParser.readObject(bytes), ORIGINS)));
    }

    /**
     * The same, on bytes that are not valid UTF-8 (the bodies above are Java strings, so they never are): a
     * malformed sequence, a lone surrogate's encoding, an overlong form, a stray continuation byte or a truncated
     * character, put anywhere in a body — inside a kept or a skipped string, a name, between tokens.
     */
    @Property(tries = 2000)
    void theStreamAndTheTreeReadBrokenBytesAlike(@ForAll("bodies") String body,
                                                  @ForAll("badBytes") byte[] bad,
                                                  @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 1000) int at) {
        byte[] text = body.getBytes(StandardCharsets.UTF_8);
        int cut = text.length == 0 ? 0 : at % (text.length + 1);
        byte[] bytes = new byte[text.length + bad.length];
        System.arraycopy(text, 0, bytes, 0, cut);
        System.arraycopy(bad, 0, bytes, cut, bad.length);
        System.arraycopy(text, cut, bytes, cut + bad.length, text.length - cut);
        assertThat(outcome(() -> ClickRequestParser.parse(bytes, ORIGINS)))
                .as(new String(bytes, StandardCharsets.ISO_8859_1))
                .isEqualTo(outcome(() -> ClickRequestParser.fromObject(ClickRequestParser.readObject(bytes), ORIGINS)));
    }

    @Example
    void anUnreadStringThatIsNotUtf8IsInvalidJsonAsInTheTree() {
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        for (String template : List.of("{\"ref\":\"a\",\"x\":\"%s\"}", "{\"ref\":\"a\",\"x\":[\"%s\"]}",
                "{\"ref\":[\"%s\"]}")) {
            String[] parts = template.split("%s");
            byte[] head = parts[0].getBytes(StandardCharsets.UTF_8);
            byte[] tail = parts[1].getBytes(StandardCharsets.UTF_8);
            byte[] bytes = new byte[head.length + surrogate.length + tail.length];
            System.arraycopy(head, 0, bytes, 0, head.length);
            System.arraycopy(surrogate, 0, bytes, head.length, surrogate.length);
            System.arraycopy(tail, 0, bytes, head.length + surrogate.length, tail.length);
            assertThat(outcome(() -> ClickRequestParser.parse(bytes, ORIGINS))).as(template)
                    .isEqualTo("error invalid_json: null");
        }
    }

    @Provide
    Arbitrary<byte[]> badBytes() {
        return Arbitraries.of(
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},   // an encoded surrogate
                new byte[] {(byte) 0xC0, (byte) 0xAF},                // overlong '/'
                new byte[] {(byte) 0x80},                             // a stray continuation byte
                new byte[] {(byte) 0xE2, (byte) 0x98},                // a truncated 3-byte character
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});  // a byte order mark
    }

    @Example
    void theGeneratorReachesAcceptedClicksAndEachKindOfError() {
        // the property above is only as good as its bodies: they must produce clicks and errors of several kinds
        List<String> outcomes = new ArrayList<>();
        bodies().sampleStream().limit(3000).forEach(body -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String o = outcome(() -> ClickRequestParser.parse(bytes, ORIGINS));
            outcomes.add(o.startsWith("click") ? "click" : o.replaceAll(":.*", ""));
        });
        assertThat(outcomes).contains("click", "error invalid_json", "error invalid_request");
        assertThat(outcomes.stream().filter("click"::equals).count()).isGreaterThan(100);
    }

    private static String outcome(java.util.function.Supplier<ClickRequest> read) {
        try {
            return "click " + read.get();
        } catch (ApiException e) {
            return "error " + e.error().code() + ": " + e.detail();
        }
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> member = Combinators.combine(Arbitraries.of(NAMES), value())
                .as((name, value) -> "\"" + name + "\":" + value);
        Arbitrary<String> object = member.list().ofMaxSize(8)
                .map(members -> "{" + String.join(",", members) + "}");
        Arbitrary<String> withRef = Combinators.combine(validRef(), member.list().ofMaxSize(6))
                .as((ref, members) -> {
                    List<String> all = new ArrayList<>(members);
                    all.add(0, "\"ref\":" + ref);
                    return "{" + String.join(",", all) + "}";
                });
        Arbitrary<String> broken = Combinators.combine(Arbitraries.oneOf(object, withRef),
                        Arbitraries.of("", " ", "\n", " {}", "x", "]", "}", ",", "[]", " null", "\"a\""),
                        Arbitraries.integers().between(0, 100))
                .as((json, suffix, cut) -> cut < 20 ? json.substring(0, json.length() * cut / 20) : json + suffix);
        Arbitrary<String> notAnObject = Arbitraries.of("", "[]", "null", "1", "\"ref\"", "[{\"ref\":\"a\"}]", "true");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, withRef),
                net.jqwik.api.Tuple.of(3, object),
                net.jqwik.api.Tuple.of(3, broken),
                net.jqwik.api.Tuple.of(1, notAnObject));
    }

    private static Arbitrary<String> validRef() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12).map(r -> "\"" + r + "\"");
    }

    private static Arbitrary<String> value() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMaxLength(10),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(6).map(t -> t.replace("\\", "").replace("\"", "")),
                Arbitraries.of("", "https://shop.example/p?x=1", "http://a", "ftp://x/y", "/relative", "https://",
                        "203.0.113.7", "2001:db8::7", "256.1.1.1", "é☃\uD83D\uDE00", "\\u0000", "\\ud800",
                        "a".repeat(129), "a".repeat(257), "Mozilla/5.0"));
        return Arbitraries.oneOf(
                text.map(t -> "\"" + t + "\""),
                Arbitraries.of("null", "1", "-0.5e3", "1e999999", "true", "false", "[]", "{}", "[\"a\"]",
                        "{\"ref\":\"inner\"}", "[[[]]]", "12345678901234567890123456789"));
    }
}
