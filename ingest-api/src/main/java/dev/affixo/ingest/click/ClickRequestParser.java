package dev.affixo.ingest.click;

import dev.affixo.common.ClickField;
import dev.affixo.common.ClickText;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.origin.IpLiteral;
import dev.affixo.ingest.origin.VisitorOrigins;
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

    static final String IP = "ip";
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    static final String IDEMPOTENCY_KEY_MEMBER = "idempotency_key";

    private ClickRequestParser() {
    }

    static ClickRequest parse(byte[] body, VisitorOrigins origins) {
        return fromObject(readObject(body), origins);
    }

    /**
     * The click described by one JSON object: the body of {@code POST /v1/track/click}, or one item of a batch.
     * Both endpoints go through here, so a valid click means the same thing in both. The visitor's {@code ip}
     * is turned into what the click keeps of it ({@link VisitorOrigins}) here and goes no further.
     */
    static ClickRequest fromObject(JsonNode root, VisitorOrigins origins) {
        String ref = optionalString(root, ClickField.REF);
        if (ref == null) {
            throw ApiException.invalidRequest(ClickField.REF.jsonName(), "is required");
        }
        String url = optionalString(root, ClickField.URL);
        if (url != null && !isAbsoluteHttpUri(url)) {
            throw ApiException.invalidRequest(ClickField.URL.jsonName(), "must be an absolute http(s) URI");
        }
        String visitorId = optionalString(root, ClickField.VISITOR_ID);
        String fingerprint = optionalString(root, ClickField.FINGERPRINT);
        String referrer = optionalString(root, ClickField.REFERRER);
        String userAgent = optionalString(root, ClickField.USER_AGENT);
        byte[] address = optionalAddress(root);
        return new ClickRequest(ref, visitorId, fingerprint, url, referrer, origins.of(address, userAgent));
    }

    /**
     * The visitor's address as a literal (see {@link IpLiteral}: never a host name, port or zone), or null when
     * absent. The detail never repeats the text: error bodies are logged by some clients' HTTP stacks.
     */
    private static byte[] optionalAddress(JsonNode root) {
        String text = optionalMember(root, IP);
        if (text == null) {
            return null;
        }
        byte[] address = IpLiteral.parse(text);
        if (address == null) {
            throw ApiException.invalidRequest(IP, "must be an IPv4 address (203.0.113.7) or an IPv6 address "
                    + "(2001:db8::7), without port, brackets or zone");
        }
        return address;
    }

    /** The {@code Idempotency-Key} header: absent is fine, present must be 1–255 printable ASCII characters. */
    static String idempotencyKey(String header) {
        return header == null ? null : checkedIdempotencyKey(IDEMPOTENCY_KEY_HEADER, header);
    }

    /**
     * A batch item's {@code idempotency_key} member: the header's rules, as a body field (null or {@code ""}
     * is absent, like every optional field of the body).
     */
    static String itemIdempotencyKey(JsonNode item) {
        String value = optionalMember(item, IDEMPOTENCY_KEY_MEMBER);
        return value == null ? null : checkedIdempotencyKey(IDEMPOTENCY_KEY_MEMBER, value);
    }

    /** An optional string member: null when absent, null or {@code ""}; {@code invalid_request} when not a string. */
    private static String optionalMember(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw ApiException.invalidRequest(name, "must be a string");
        }
        String value = node.stringValue();
        return value.isEmpty() ? null : value;
    }

    private static String checkedIdempotencyKey(String name, String key) {
        String problem = ClickText.idempotencyKeyProblem(key);
        if (problem != null) {
            throw ApiException.invalidRequest(name, problem);
        }
        return key;
    }

    /** The body as one JSON object, read strictly; {@code invalid_json} when it is anything else. */
    static JsonNode readObject(byte[] body) {
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
        String value = optionalMember(root, field.jsonName());
        if (value == null) {
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
