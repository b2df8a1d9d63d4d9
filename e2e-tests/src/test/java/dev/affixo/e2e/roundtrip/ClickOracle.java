package dev.affixo.e2e.roundtrip;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The reference model of the contract (openapi.yaml, README "The ingest API") for one request body, written from the spec and not from the API's code:
 * checks 4 (size), 6 (JSON object, no repeated member), 7 (field types, Unicode text, code-point lengths, url) and
 * 8 (ref lookup) in that order; authentication, scope and rate limit always pass in these tests.
 */
public final class ClickOracle {

    /** the contract: the default body limit, 16 KiB. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final Set<String> activeRefs;

    /** @param activeRefs the refs of the active links in the key's workspace */
    public ClickOracle(Set<String> activeRefs) {
        this.activeRefs = Set.copyOf(activeRefs);
    }

    public Expected expect(ClickBody body) {
        if (body.json().getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            return Expected.error(413, "payload_too_large");
        }
        if (!(body instanceof ClickBody.JsonObject object) || object.hasRepeatedMember()) {
            return Expected.error(400, "invalid_json");
        }
        return expectFields(object);
    }

    /**
     * One item of a batch (SPEC 7.3): the single click's checks 7 and 8, the item's answer given as the status the
     * single click would have had. Size and JSON are the whole request's: an item has no size limit of its own, and
     * JSON of another type than an object is that item's {@code invalid_request}. Never called with an item that
     * repeats a member (that is the whole batch's {@code invalid_json}).
     */
    public Expected expectItem(ClickBody item) {
        if (!(item instanceof ClickBody.JsonObject object)) {
            return Expected.invalidRequest(Set.of("click"));
        }
        return expectFields(object);
    }

    private Expected expectFields(ClickBody.JsonObject object) {
        Map<ClickField, String> values = new EnumMap<>(ClickField.class);
        Set<String> invalid = new LinkedHashSet<>();
        for (ClickField field : ClickField.values()) {
            FieldValue value = object.field(field);
            if (!isValid(field, value)) {
                invalid.add(field.wireName);
            } else {
                values.put(field, presentText(value));
            }
        }
        if (!invalid.isEmpty()) {
            return Expected.invalidRequest(invalid);
        }
        String ref = values.get(ClickField.REF);
        if (!activeRefs.contains(ref)) {
            return Expected.error(404, "link_not_found");
        }
        return Expected.ok(new Expected.Accepted(ref, values.get(ClickField.VISITOR_ID),
                values.get(ClickField.FINGERPRINT), values.get(ClickField.URL), values.get(ClickField.REFERRER)));
    }

    /** The decoded fields of a body the oracle accepts (for comparing two bodies by meaning). */
    public Expected.Accepted decoded(ClickBody body) {
        return expect(body).accepted();
    }

    private static boolean isValid(ClickField field, FieldValue value) {
        if (value instanceof FieldValue.OtherType) {
            return false;
        }
        String text = presentText(value);
        if (text == null) {
            // absent, null or "": fine for an optional field, never for ref
            return field != ClickField.REF;
        }
        if (!isUnicodeText(text) || text.codePointCount(0, text.length()) > field.maxCodePoints) {
            return false;
        }
        return field != ClickField.URL || HttpUrlRule.accepts(text);
    }

    /** The string a field carries, null for absent, JSON null and the empty string. */
    private static String presentText(FieldValue value) {
        if (value instanceof FieldValue.Text text && !text.text().decoded().isEmpty()) {
            return text.text().decoded();
        }
        return null;
    }

    /** the contract: no U+0000, and every surrogate paired. */
    static boolean isUnicodeText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
