package dev.affixo.common;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The accepted-clicks wire format: a UTF-8 JSON object whose {@code "v"} field names its version.
 *
 * <p>Version history (a processor must read every version still in retention; the click-processor's
 * {@code VersionedFormatTest} keeps a golden record of each):
 * <ul>
 *   <li>{@code 1} — the first format: the fields of {@link ClickEvent}, snake_case, {@code received_at}
 *       as epoch milliseconds.</li>
 *   <li>{@code 2} — version 1 plus the visitor's origin ({@link ClickOrigin}), each member present only when
 *       known: {@code user_agent}, {@code ip_prefix}, {@code ip_hash}, {@code country}, {@code asn}, and
 *       {@code hosting_network} / {@code anonymous_proxy} only when true. The raw IP is never a member.
 *       A click without any of them is still written as version 1, so a processor that predates version 2
 *       keeps reading the seed's clicks during a rolling upgrade; one with them it dead-letters
 *       ("unsupported format version 2") rather than storing it without them. Upgrade processors first.</li>
 * </ul>
 * A new version adds a branch to {@link #decode(byte[])} that upgrades the old shape, never removes one.
 */
public final class ClickEventCodec {

    public static final int CURRENT_VERSION = 2;

    /**
     * Strict about duplicate member names: with {@code "ref"} twice, which value is "the" ref would depend on
     * the reader, and the processor must never store a value other than the one the API accepted.
     */
    private static final JsonMapper MAPPER = HotPathJson.mapper()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ClickEventCodec() {
    }

    public static byte[] encode(ClickEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(384);
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            ClickOrigin origin = e.origin();
            g.writeStartObject();
            g.writeNumberProperty("v", origin.isNone() ? 1 : CURRENT_VERSION);
            g.writeStringProperty("event_id", e.eventId());
            g.writeNumberProperty("workspace_id", e.workspaceId());
            g.writeNumberProperty("link_id", e.linkId());
            g.writeNumberProperty("affiliate_id", e.affiliateId());
            if (e.campaignId() != null) {
                g.writeNumberProperty("campaign_id", e.campaignId());
            }
            g.writeStringProperty("ref", e.ref());
            g.writeStringProperty("visitor_id", e.visitorId());
            g.writeStringProperty("match_method", e.matchMethod().wire());
            g.writeNumberProperty("match_confidence", e.matchConfidence());
            writeOptional(g, "fingerprint", e.fingerprint());
            writeOptional(g, "url", e.url());
            writeOptional(g, "referrer", e.referrer());
            g.writeNumberProperty("key_id", e.keyId());
            writeOptional(g, "idempotency_key", e.idempotencyKey());
            g.writeNumberProperty("received_at", e.receivedAt().toEpochMilli());
            if (!origin.isNone()) {
                writeOrigin(g, origin);
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeOrigin(JsonGenerator g, ClickOrigin o) {
        writeOptional(g, "user_agent", o.userAgent());
        writeOptional(g, "ip_prefix", o.ipPrefix());
        writeOptional(g, "ip_hash", o.ipHash());
        writeOptional(g, "country", o.country());
        if (o.asn() != null) {
            g.writeNumberProperty("asn", o.asn());
        }
        if (o.hostingNetwork()) {
            g.writeBooleanProperty("hosting_network", true);
        }
        if (o.anonymousProxy()) {
            g.writeBooleanProperty("anonymous_proxy", true);
        }
    }

    /**
     * Reads any supported version.
     *
     * @throws UnreadableEventException with a short reason when the bytes are not a click event this
     *                                  code understands (the processor dead-letters it with that reason)
     */
    public static ClickEvent decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new UnreadableEventException("empty record value");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JacksonException ex) {
            // "not JSON" also covers a duplicate member name: the parser reports both the same way.
            throw new UnreadableEventException("not JSON: " + ex.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new UnreadableEventException("not a JSON object");
        }
        JsonNode v = node.get("v");
        if (v == null || !v.isIntegralNumber()) {
            throw new UnreadableEventException("missing format version \"v\"");
        }
        int version = v.intValue();
        if (version == 1) {
            return decodeV1(node);
        }
        if (version == 2) {
            return decodeV1(node).withOrigin(decodeOrigin(node));
        }
        throw new UnreadableEventException("unsupported format version " + version);
    }

    private static ClickEvent decodeV1(JsonNode n) {
        try {
            return new ClickEvent(
                    requiredText(n, "event_id"),
                    requiredLong(n, "workspace_id"),
                    requiredLong(n, "link_id"),
                    requiredLong(n, "affiliate_id"),
                    optionalLong(n, "campaign_id"),
                    requiredText(n, "ref"),
                    requiredText(n, "visitor_id"),
                    MatchMethod.fromWire(requiredText(n, "match_method")),
                    requiredNumber(n, "match_confidence"),
                    optionalText(n, "fingerprint"),
                    optionalText(n, "url"),
                    optionalText(n, "referrer"),
                    requiredLong(n, "key_id"),
                    optionalText(n, "idempotency_key"),
                    Instant.ofEpochMilli(requiredLong(n, "received_at")));
        } catch (IllegalArgumentException ex) {
            throw new UnreadableEventException(ex.getMessage());
        }
    }

    private static ClickOrigin decodeOrigin(JsonNode n) {
        try {
            return new ClickOrigin(optionalText(n, "user_agent"), optionalText(n, "ip_prefix"),
                    optionalText(n, "ip_hash"), optionalText(n, "country"), optionalLong(n, "asn"),
                    optionalTrue(n, "hosting_network"), optionalTrue(n, "anonymous_proxy"));
        } catch (IllegalArgumentException ex) {
            throw new UnreadableEventException(ex.getMessage());
        }
    }

    private static boolean optionalTrue(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            return false;
        }
        if (!f.isBoolean()) {
            throw new IllegalArgumentException(field + " is not a boolean");
        }
        return f.booleanValue();
    }

    private static void writeOptional(JsonGenerator g, String name, String value) {
        if (value != null) {
            g.writeStringProperty(name, value);
        }
    }

    private static String requiredText(JsonNode n, String field) {
        String value = optionalText(n, field);
        if (value == null) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }

    private static String optionalText(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isString()) {
            throw new IllegalArgumentException(field + " is not a string");
        }
        return f.stringValue();
    }

    private static long requiredLong(JsonNode n, String field) {
        Long value = optionalLong(n, field);
        if (value == null) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }

    private static Long optionalLong(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isIntegralNumber() || !f.canConvertToLong()) {
            throw new IllegalArgumentException(field + " is not an integer");
        }
        return f.longValue();
    }

    private static double requiredNumber(JsonNode n, String field) {
        JsonNode f = n.get(field);
        if (f == null || !f.isNumber()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return f.doubleValue();
    }
}
