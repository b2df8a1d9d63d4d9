package dev.affixo.ingest.click;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a request body into a {@link ClickRequest}, or an {@link ApiException} that says exactly what is
 * wrong: {@code invalid_json} when the bytes are not one JSON object, {@code invalid_request} with
 * {@code "<field>: <reason>"} when a field breaks the contract. Unknown fields are ignored. An empty
 * string in an optional field counts as absent, because merchants commonly send {@code ""} for "no cookie".
 */
public final class ClickRequestParser {

    static final int MAX_REF = 128;
    static final int MAX_VISITOR_ID = 128;
    static final int MAX_FINGERPRINT = 256;
    static final int MAX_URL = 2048;
    static final int MAX_REFERRER = 2048;
    static final int MAX_IDEMPOTENCY_KEY = 255;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ClickRequestParser() {
    }

    public static ClickRequest parse(byte[] body) {
        JsonNode root = readObject(body);
        String ref = optionalString(root, "ref", MAX_REF);
        if (ref == null) {
            throw ApiException.invalidRequest("ref", "is required");
        }
        String url = optionalString(root, "url", MAX_URL);
        if (url != null && !isAbsoluteHttpUri(url)) {
            throw ApiException.invalidRequest("url", "must be an absolute http(s) URI");
        }
        return new ClickRequest(
                ref,
                optionalString(root, "visitor_id", MAX_VISITOR_ID),
                optionalString(root, "fingerprint", MAX_FINGERPRINT),
                url,
                optionalString(root, "referrer", MAX_REFERRER));
    }

    /** The {@code Idempotency-Key} header: absent is fine, present must be 1–255 visible ASCII characters. */
    public static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        if (header.isEmpty() || header.length() > MAX_IDEMPOTENCY_KEY) {
            throw ApiException.invalidRequest("Idempotency-Key", "must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw ApiException.invalidRequest("Idempotency-Key", "must be printable ASCII");
            }
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

    private static String optionalString(JsonNode root, String field, int maxLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw ApiException.invalidRequest(field, "must be a string");
        }
        String value = node.stringValue();
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw ApiException.invalidRequest(field, "longer than " + maxLength + " characters");
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
