package dev.affixo.ingest.idempotency;

import dev.affixo.common.ClickOrigin;
import dev.affixo.common.FieldDigest;

/**
 * What "the same body" means for an {@code Idempotency-Key}: SHA-256 over the click's request fields after
 * JSON decoding, not over the raw bytes. A retry that re-serialises the same click (other member order,
 * whitespace, escapes, an unknown extra member) is still the same click; any change to a field the click
 * is stored with is another body.
 */
public final class RequestDigest {

    private RequestDigest() {
    }

    /**
     * @param fields the decoded request fields in a fixed order; null (absent) and "" are told apart, and
     *               each field is length-prefixed so ("ab","c") and ("a","bc") differ
     */
    public static byte[] of(String... fields) {
        return of(ClickOrigin.NONE, fields);
    }

    /**
     * The fields, then the origin's {@code user_agent} and {@code ip_hash}, each only when present and behind its
     * own tag, as {@code ClickEvent.digestRequest} feeds them: a click without them digests exactly as before they
     * existed, so a retry across the upgrade still matches its key's first body. The raw address is never fed.
     */
    public static byte[] of(ClickOrigin origin, String... fields) {
        FieldDigest digest = new FieldDigest();
        for (String field : fields) {
            digest.text(field);
        }
        if (origin.userAgent() != null) {
            digest.text("user_agent").text(origin.userAgent());
        }
        if (origin.ipHash() != null) {
            digest.text("ip_hash").text(origin.ipHash());
        }
        return digest.digest();
    }
}
