package dev.affixo.ingest.idempotency;

import dev.affixo.common.Ids;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

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
        MessageDigest sha = Ids.sha256();
        ByteBuffer length = ByteBuffer.allocate(4);
        for (String field : fields) {
            length.clear();
            if (field == null) {
                sha.update(length.putInt(-1).array());
                continue;
            }
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha.update(length.putInt(bytes.length).array());
            sha.update(bytes);
        }
        return sha.digest();
    }
}
