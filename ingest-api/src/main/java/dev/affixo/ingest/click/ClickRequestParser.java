package dev.affixo.ingest.click;

import dev.affixo.common.ClickField;
import dev.affixo.common.ClickText;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a request body into a {@link ClickRequest}, or an {@link ApiException} that says exactly what is
 * wrong: {@code invalid_json} when the bytes are not one JSON object, {@code invalid_request} with
 * {@code "<field>: <reason>"} when a field breaks the contract. What a valid field is — Unicode text, within
 * its limit in code points — is {@code common}'s {@link ClickField}, the same definition the processor
 * applies before storing. Unknown fields are ignored. An empty string in an optional field counts as
 * absent, because merchants commonly send {@code ""} for "no cookie".
 */
final class ClickRequestParser {

    /**
     * Strict: trailing data and a member name given twice are {@code invalid_json}. With
     * {@code {"ref":"a","ref":"b"}} a reader would silently pick one value, and another reader of the same
     * bytes might pick the other; the click must be exactly one thing.
     */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ClickRequestParser() {
    }

    static ClickRequest parse(byte[] body) {
        JsonNode root = readObject(body);
        String ref = optionalString(root, ClickField.REF);
        if (ref == null) {
            throw ApiException.invalidRequest(ClickField.REF.jsonName(), "is required");
        }
        String url = optionalString(root, ClickField.URL);
        if (url != null && !isAbsoluteHttpUri(url)) {
            throw ApiException.invalidRequest(ClickField.URL.jsonName(), "must be an absolute http(s) URI");
        }
        return new ClickRequest(
                ref,
                optionalString(root, ClickField.VISITOR_ID),
                optionalString(root, ClickField.FINGERPRINT),
                url,
                optionalString(root, ClickField.REFERRER));
    }

    /** The {@code Idempotency-Key} header: absent is fine, present must be 1–255 printable ASCII characters. */
    static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        String problem = ClickText.idempotencyKeyProblem(header);
        if (problem != null) {
            throw ApiException.invalidRequest("Idempotency-Key", problem);
        }
        return header;
    }

    private static JsonNode readObject(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.of(ApiError.INVALID_JSON);
        }
        if (root == null || !root.isObject()) {
            throw ApiException.of(ApiError.INVALID_JSON);
        }
        return root;
    }

    private static String optionalString(JsonNode root, ClickField field) {
        JsonNode node = root.get(field.jsonName());
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw ApiException.invalidRequest(field.jsonName(), "must be a string");
        }
        String value = node.stringValue();
        if (value.isEmpty()) {
            return null;
        }
        String problem = field.problem(value);
        if (problem != null) {
            throw ApiException.invalidRequest(field.jsonName(), problem);
        }
        return value;
    }

    private static boolean isAbsoluteHttpUri(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            return uri.isAbsolute()
                    && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
