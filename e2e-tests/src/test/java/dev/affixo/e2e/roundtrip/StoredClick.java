package dev.affixo.e2e.roundtrip;

/**
 * What the client sent for one click, as it must be on the topic and in its {@code clicks} row: the decoded field
 * values (an empty optional string is null), the visitor the API replied with, and the Idempotency-Key.
 */
public record StoredClick(String ref, String visitorId, String fingerprint, String url, String referrer,
                         String idempotencyKey) {

    @Override
    public String toString() {
        return "{ref=" + Readable.of(ref) + ", visitor_id=" + Readable.of(visitorId) + ", fingerprint="
                + Readable.of(fingerprint) + ", url=" + Readable.of(url) + ", referrer=" + Readable.of(referrer)
                + ", idempotency_key=" + idempotencyKey + "}";
    }
}
