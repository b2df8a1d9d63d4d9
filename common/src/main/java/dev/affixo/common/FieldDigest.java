package dev.affixo.common;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * SHA-256 over a sequence of fields, each text length-prefixed (so ("ab","c") and ("a","bc") differ) and an
 * absent text (null) told apart from "" by the length -1; numbers as 8 bytes, big-endian. The one encoding
 * behind name-based ids ({@link Ids#nameBased}), the API's Idempotency-Key request digest and the processor's
 * request hash: each of those is persisted (ids in rows, digests in a table, hashes in a changelog), so the
 * bytes fed for a given field sequence never change.
 */
public final class FieldDigest {

    private final MessageDigest sha = Ids.sha256();
    private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES);

    /** Appends a text field: its UTF-8 length (or -1 for null), then its bytes. */
    public FieldDigest text(String field) {
        if (field == null) {
            sha.update(scratch.clear().putInt(-1).array(), 0, Integer.BYTES);
            return this;
        }
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        sha.update(scratch.clear().putInt(bytes.length).array(), 0, Integer.BYTES);
        sha.update(bytes);
        return this;
    }

    /** Appends a number as 8 bytes, no prefix. */
    public FieldDigest number(long field) {
        sha.update(scratch.clear().putLong(field).array(), 0, Long.BYTES);
        return this;
    }

    /** The 32-byte digest; the instance is done afterwards. */
    public byte[] digest() {
        return sha.digest();
    }
}
