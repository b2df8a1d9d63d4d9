package dev.affixo.e2e.roundtrip;

import static dev.affixo.e2e.roundtrip.UnicodeArbitraries.aroundLimit;
import static dev.affixo.e2e.roundtrip.UnicodeArbitraries.brokenText;
import static dev.affixo.e2e.roundtrip.UnicodeArbitraries.spelled;
import static dev.affixo.e2e.roundtrip.UnicodeArbitraries.text;

import dev.affixo.e2e.roundtrip.JsonText.Form;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of request bodies and batches, covering every row of the contract's table (README, "The ingest API") from check 4 on, and its text rules. */
public final class ClickArbitraries {

    /** Oracle over the refs every test workspace seeds: used to generate bodies that must be accepted. */
    private static final ClickOracle SEEDED = new ClickOracle(new HashSet<>(SeededRefs.ACTIVE));

    private ClickArbitraries() {
    }

    public static Arbitrary<List<Attempt>> batches(int size) {
        return attempts().list().ofSize(size);
    }

    public static Arbitrary<Attempt> attempts() {
        Arbitrary<Attempt> single = bodies().map(Attempt.Single::new);
        Arbitrary<Attempt> retry = acceptedBodies().map(Attempt.Retry::new);
        Arbitrary<Attempt> reuse = Combinators.combine(acceptedBodies(), acceptedBodies())
                .filter((first, second) -> !SEEDED.decoded(first).equals(SEEDED.decoded(second)))
                .as(Attempt.Reuse::new);
        // A batch is one request like the others, so the number of requests per try stays what it was.
        return Arbitraries.frequencyOf(Tuple.of(84, single), Tuple.of(5, retry), Tuple.of(5, reuse),
                Tuple.of(6, batched()));
    }

    /**
     * One {@code POST /v1/track/clicks} of 1 to 6 groups of items: a lone item (keyed or not), or an accepted body
     * sent twice under one key (a retry within the batch), or two accepted bodies of different meaning under one
     * key (the second is reused). Items never repeat a member and are valid JSON: either would make the whole batch
     * {@code invalid_json} (the contract tests cover that), and the round trip is about the items.
     */
    static Arbitrary<Attempt> batched() {
        Arbitrary<List<ClickBody>> lone = batchItems().map(List::of);
        Arbitrary<List<ClickBody>> retried = acceptedBodies().map(body -> List.of(body, body));
        Arbitrary<List<ClickBody>> reused = Combinators.combine(acceptedBodies(), acceptedBodies())
                .filter((first, second) -> !SEEDED.decoded(first).equals(SEEDED.decoded(second)))
                .as(List::of);
        Arbitrary<Tuple.Tuple2<List<ClickBody>, Boolean>> group = Arbitraries.frequencyOf(
                Tuple.of(80, Combinators.combine(lone, Arbitraries.of(false, true)).as(Tuple::of)),
                Tuple.of(10, retried.map(bodies -> Tuple.of(bodies, true))),
                Tuple.of(10, reused.map(bodies -> Tuple.of(bodies, true))));
        return group.list().ofMinSize(1).ofMaxSize(6).map(groups -> {
            List<Attempt.Batched.Item> items = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                for (ClickBody body : groups.get(g).get1()) {
                    boolean keyed = groups.get(g).get2() && body instanceof ClickBody.JsonObject;
                    items.add(new Attempt.Batched.Item(body, keyed ? g : null));
                }
            }
            return new Attempt.Batched(items);
        });
    }

    /** What a batch item may be: mostly objects, sometimes JSON of another type (that item's invalid_request). */
    static Arbitrary<ClickBody> batchItems() {
        return Arbitraries.frequencyOf(
                Tuple.of(95, objects().map(ClickBody.JsonObject::withoutRepeat)),
                Tuple.of(5, Arbitraries.of("null", "true", "42", "\"shoes\"", "[]", "[{\"ref\":\"shoes\"}]",
                        "\"\\ud800\"").map(ClickBody.NotAnObject::new)));
    }

    /** Any body: mostly objects with every kind of field value, sometimes bytes that are not one JSON object. */
    public static Arbitrary<ClickBody> bodies() {
        return Arbitraries.frequencyOf(Tuple.of(92, objects()), Tuple.of(8, notObjects()));
    }

    /** Bodies the oracle accepts with the seeded links: the first request of an Idempotency-Key pair. */
    public static Arbitrary<ClickBody> acceptedBodies() {
        return Combinators.combine(objects(), activeRefs())
                .as((body, ref) -> (ClickBody) body.withoutRepeat().with(ClickField.REF, ref))
                .filter(body -> SEEDED.expect(body).status() == 200);
    }

    static Arbitrary<ClickBody.JsonObject> objects() {
        Arbitrary<Map<ClickField, FieldValue>> fields = Combinators.combine(
                refs(), optional(ClickField.VISITOR_ID, text(1, 12)), optional(ClickField.FINGERPRINT, text(1, 16)),
                urls(), optional(ClickField.REFERRER, text(1, 40)))
                .as((ref, visitor, fingerprint, url, referrer) -> {
                    Map<ClickField, FieldValue> map = new EnumMap<>(ClickField.class);
                    map.put(ClickField.REF, ref);
                    map.put(ClickField.VISITOR_ID, visitor);
                    map.put(ClickField.FINGERPRINT, fingerprint);
                    map.put(ClickField.URL, url);
                    map.put(ClickField.REFERRER, referrer);
                    return map;
                });
        Arbitrary<Map<ClickField, JsonText>> names = Combinators.combine(
                        fieldName(ClickField.REF), fieldName(ClickField.VISITOR_ID), fieldName(ClickField.FINGERPRINT),
                        fieldName(ClickField.URL), fieldName(ClickField.REFERRER))
                .as((ref, visitor, fingerprint, url, referrer) -> {
                    Map<ClickField, JsonText> map = new EnumMap<>(ClickField.class);
                    map.put(ClickField.REF, ref);
                    map.put(ClickField.VISITOR_ID, visitor);
                    map.put(ClickField.FINGERPRINT, fingerprint);
                    map.put(ClickField.URL, url);
                    map.put(ClickField.REFERRER, referrer);
                    return map;
                });
        Arbitrary<ClickBody.JsonObject.Repeat> repeats = Combinators.combine(
                        Arbitraries.integers().between(0, 10), UnicodeArbitraries.forms(), jsonValues(1).injectNull(0.5))
                .as(ClickBody.JsonObject.Repeat::new)
                .injectNull(0.93);
        return Combinators.combine(fields, names, extras(), repeats, Arbitraries.longs(),
                        Arbitraries.of("", " ", "\n", "\t", "\r\n  "))
                .as(ClickBody.JsonObject::new);
    }

    /** ref: mostly a seeded link (spelled with any escapes), else every way to be unknown or invalid. */
    static Arbitrary<FieldValue> refs() {
        return Arbitraries.frequencyOf(
                Tuple.of(60, activeRefs()),
                Tuple.of(6, Arbitraries.of(SeededRefs.NEAR_MISSES).flatMap(UnicodeArbitraries::spelled).map(FieldValue.Text::new)),
                Tuple.of(5, text(1, 16).map(FieldValue.Text::new)),
                Tuple.of(2, Arbitraries.of(SeededRefs.TOO_LONG).flatMap(UnicodeArbitraries::spelled).map(FieldValue.Text::new)),
                Tuple.of(2, Arbitraries.just(FieldValue.MISSING)),
                Tuple.of(2, Arbitraries.just(FieldValue.NULL)),
                Tuple.of(2, emptyText()),
                Tuple.of(2, otherTypes()),
                Tuple.of(3, brokenText().map(FieldValue.Text::new)));
    }

    static Arbitrary<FieldValue> activeRefs() {
        return Arbitraries.of(SeededRefs.ACTIVE).flatMap(UnicodeArbitraries::spelled).map(FieldValue.Text::new);
    }

    /**
     * An optional string field: absent, null, "", short text, text at its limit ±1, another type, broken text.
     * Weighted so that about half of all requests are accepted: the 200s are what the round trip is about.
     */
    static Arbitrary<FieldValue> optional(ClickField field, Arbitrary<JsonText> shortText) {
        return Arbitraries.frequencyOf(
                Tuple.of(14, Arbitraries.just(FieldValue.MISSING)),
                Tuple.of(6, Arbitraries.just(FieldValue.NULL)),
                Tuple.of(6, emptyText()),
                Tuple.of(60, shortText.map(FieldValue.Text::new)),
                Tuple.of(8, aroundLimit(field.maxCodePoints).map(FieldValue.Text::new)),
                Tuple.of(2, otherTypes()),
                Tuple.of(3, brokenText().map(FieldValue.Text::new)));
    }

    static Arbitrary<FieldValue> urls() {
        return Arbitraries.frequencyOf(
                Tuple.of(14, Arbitraries.just(FieldValue.MISSING)),
                Tuple.of(6, Arbitraries.just(FieldValue.NULL)),
                Tuple.of(5, emptyText()),
                Tuple.of(42, UrlArbitraries.httpUrls().map(FieldValue.Text::new)),
                Tuple.of(8, UrlArbitraries.httpUrlsAroundLimit(ClickField.URL.maxCodePoints).map(FieldValue.Text::new)),
                Tuple.of(6, UrlArbitraries.notHttpUrls().map(FieldValue.Text::new)),
                Tuple.of(2, otherTypes()),
                Tuple.of(3, UrlArbitraries.brokenHttpUrls().map(FieldValue.Text::new)));
    }

    static Arbitrary<FieldValue> emptyText() {
        return Arbitraries.just(new FieldValue.Text(JsonText.of(List.of())));
    }

    static Arbitrary<FieldValue> otherTypes() {
        return Arbitraries.of("0", "-1.5e3", "12345678901234567890", "true", "false", "[]", "[\"shoes\"]", "{}",
                "{\"ref\":\"shoes\"}").map(FieldValue.OtherType::new);
    }

    /** A field's name: usually plain, sometimes with escapes ({@code "r\u0065f"} is the member {@code ref}). */
    static Arbitrary<JsonText> fieldName(ClickField field) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(JsonText.of(field.wireName, Form.RAW))),
                Tuple.of(2, spelled(field.wireName)));
    }

    /** Unknown members, which the API must ignore: names never those of a click field, values of any JSON type. */
    static Arbitrary<List<Member>> extras() {
        Arbitrary<JsonText> names = text(1, 10).filter(name -> !ClickField.isFieldName(name.decoded()));
        return Combinators.combine(names, jsonValues(2)).as(Member::new)
                .list().ofMaxSize(3).uniqueElements(member -> member.name().decoded());
    }

    /** JSON values nested at most {@code depth} deep, their strings valid text, their objects' names distinct. */
    static Arbitrary<String> jsonValues(int depth) {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.of("null", "true", "false", "0", "-0", "3.14159", "1e-7", "-42", "9007199254740993"),
                text(0, 12).map(JsonText::literal));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> arrays = jsonValues(depth - 1).list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]");
        Arbitrary<String> objects = jsonValues(depth - 1).list().ofMaxSize(3).map(values -> {
            List<String> members = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                members.add("\"k" + i + "\":" + values.get(i));
            }
            return "{" + String.join(",", members) + "}";
        });
        return Arbitraries.frequencyOf(Tuple.of(6, scalars), Tuple.of(2, arrays), Tuple.of(2, objects));
    }

    /** Bytes that are not one JSON object: other JSON types, and text that is not JSON at all. */
    static Arbitrary<ClickBody> notObjects() {
        return Arbitraries.of(
                "", " ", "null", "true", "42", "\"shoes\"", "[]", "[{\"ref\":\"shoes\"}]",
                "{\"ref\":\"shoes\"", "{\"ref\":\"shoes\"}}", "{\"ref\":\"shoes\"} {}", "{\"ref\":\"shoes\"} x",
                "{'ref':'shoes'}", "{ref:\"shoes\"}", "{\"ref\":\"shoes\",}", "{\"ref\":\"shoes\" /* c */}",
                "{\"ref\":\"sh\\x6fes\"}", "{\"ref\":\"sh\\u6fes\"}", "{\"ref\":\"a\tb\"}", "{\"ref\":\"a\u0001b\"}",
                "{\"ref\":\"shoes\",\"x\":NaN}", "{\"ref\":\"shoes\",\"x\":01}", "{\"ref\":\"shoes\",\"x\":.5}",
                "{\"ref\":\"shoes\"\"url\":null}", "{\"ref\"}", "{,}", "\"\\ud800\"", "[\"shoes\"")
                .map(ClickBody.NotAnObject::new);
    }
}
