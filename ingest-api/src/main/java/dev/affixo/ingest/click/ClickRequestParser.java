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
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import dev.affixo.common.HotPathJson;
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
    private static final JsonMapper JSON = HotPathJson.mapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static final String IP = "ip";
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    static final String IDEMPOTENCY_KEY_MEMBER = "idempotency_key";

    private ClickRequestParser() {
    }

    /**
     * The body of {@code POST /v1/track/click}, read as a stream ({@link StreamedMembers}) rather than as a tree: the
     * single click is the API's hot path. It means exactly what {@code fromObject(readObject(body))} means — same
     * click, same error for every body — which ClickRequestParserEquivalenceTest checks on generated bodies.
     */
    static ClickRequest parse(byte[] body, VisitorOrigins origins) {
        return fromMembers(StreamedMembers.read(body), origins);
    }

    /**
     * The click described by one JSON object: the body of {@code POST /v1/track/click}, or one item of a batch.
     * Both endpoints go through here, so a valid click means the same thing in both. The visitor's {@code ip}
     * is turned into what the click keeps of it ({@link VisitorOrigins}) here and goes no further.
     */
    static ClickRequest fromObject(JsonNode root, VisitorOrigins origins) {
        return fromMembers(name -> memberOf(root.get(name)), origins);
    }

    /**
     * The members of one JSON object a click reads: for a name, null when absent or {@code null}, its text when a
     * string, {@link #NOT_A_STRING} otherwise.
     */
    @FunctionalInterface
    interface Members {
        Object get(String name);
    }

    /** A member that is present but neither a string nor {@code null}. */
    static final Object NOT_A_STRING = new Object();

    /** A tree member as {@link Members} gives it. */
    private static Object memberOf(JsonNode node) {
        return node == null || node.isNull() ? null : node.isString() ? node.stringValue() : NOT_A_STRING;
    }

    private static ClickRequest fromMembers(Members root, VisitorOrigins origins) {
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
    private static byte[] optionalAddress(Members root) {
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
        String value = optionalMember(name -> memberOf(item.get(name)), IDEMPOTENCY_KEY_MEMBER);
        return value == null ? null : checkedIdempotencyKey(IDEMPOTENCY_KEY_MEMBER, value);
    }

    /** An optional string member: null when absent, null or {@code ""}; {@code invalid_request} when not a string. */
    private static String optionalMember(Members root, String name) {
        Object member = root.get(name);
        if (member == null) {
            return null;
        }
        if (!(member instanceof String value)) {
            throw ApiException.invalidRequest(name, "must be a string");
        }
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

    private static String optionalString(Members root, ClickField field) {
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

    /**
     * The members a click reads, from one JSON object read token by token: no tree, and only the known members'
     * strings are kept. Read to the end before any member is judged, so a body that is not one JSON object is
     * {@code invalid_json} even when a member before the fault is also wrong, as it is when read as a tree.
     */
    private static final class StreamedMembers implements Members {

        private static final String[] NAMES = {ClickField.REF.jsonName(), ClickField.URL.jsonName(),
                ClickField.VISITOR_ID.jsonName(), ClickField.FINGERPRINT.jsonName(), ClickField.REFERRER.jsonName(),
                ClickField.USER_AGENT.jsonName(), IP};

        private final Object[] values = new Object[NAMES.length];

        static StreamedMembers read(byte[] body) {
            StreamedMembers members = new StreamedMembers();
            try (JsonParser parser = JSON.createParser(body)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw ApiException.of(ApiError.INVALID_JSON);
                }
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    int index = indexOf(parser.currentName());
                    JsonToken value = parser.nextToken();
                    if (index >= 0) {
                        members.values[index] = value == JsonToken.VALUE_STRING ? parser.getString()
                                : value == JsonToken.VALUE_NULL ? null : NOT_A_STRING;
                    }
                    skip(parser, value);
                }
                if (parser.nextToken() != null) {
                    throw ApiException.of(ApiError.INVALID_JSON);
                }
            } catch (JacksonException e) {
                throw ApiException.of(ApiError.INVALID_JSON);
            }
            return members;
        }

        /**
         * Moves past the value that starts with {@code token}, decoding every string in it. Not
         * {@code skipChildren()}: Jackson skips a string nobody reads without checking its UTF-8, while the tree
         * reading decodes every string and refuses a malformed one as {@code invalid_json}, and so must this.
         */
        private static void skip(JsonParser parser, JsonToken token) {
            int depth = 0;
            while (true) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                } else if (token == JsonToken.VALUE_STRING) {
                    parser.finishToken();
                }
                if (depth == 0) {
                    return;
                }
                token = parser.nextToken();
            }
        }

        private static int indexOf(String name) {
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public Object get(String name) {
            int index = indexOf(name);
            return index < 0 ? null : values[index];
        }
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
