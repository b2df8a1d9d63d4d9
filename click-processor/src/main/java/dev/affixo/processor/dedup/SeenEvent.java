package dev.affixo.processor.dedup;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.Ids;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Value of the {@code seen-events} store: when the event id was first seen, and a 64-bit hash of the request
 * it first came with, so a later event with that id is told apart as a redelivery (same request: dropped) or a
 * second body under one Idempotency-Key (other request: dead-lettered).
 *
 * <p>Stored as 16 bytes. Values written before the hash existed are 8 bytes (a serialised {@code Long}); they
 * read as {@link #UNKNOWN_REQUEST} and every later event with that id counts as a redelivery, as it did then.
 */
record SeenEvent(long receivedAtMillis, long requestHash) {

    static final long UNKNOWN_REQUEST = 0L;

    static SeenEvent of(ClickEvent event) {
        return new SeenEvent(event.receivedAt().toEpochMilli(), requestHash(event));
    }

    static SeenEvent parse(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long receivedAt = buffer.getLong();
        return new SeenEvent(receivedAt, value.length >= 16 ? buffer.getLong() : UNKNOWN_REQUEST);
    }

    byte[] bytes() {
        return ByteBuffer.allocate(16).putLong(receivedAtMillis).putLong(requestHash).array();
    }

    /** Whether {@code event} carries another request than the one this id was first seen with. */
    boolean isOtherRequestThan(ClickEvent event) {
        return requestHash != UNKNOWN_REQUEST && requestHash != requestHash(event);
    }

    /** The first 8 bytes of SHA-256 over exactly the fields {@link ClickEvent#sameRequestAs} compares. */
    static long requestHash(ClickEvent e) {
        MessageDigest sha = Ids.sha256();
        ByteBuffer longs = ByteBuffer.allocate(16).putLong(e.workspaceId()).putLong(e.linkId());
        sha.update(longs.array());
        for (String field : new String[] {e.ref(), e.visitorId(), e.matchMethod().wire(), e.fingerprint(), e.url(),
                e.referrer()}) {
            if (field == null) {
                sha.update(ByteBuffer.allocate(4).putInt(-1).array());
            } else {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                sha.update(bytes);
            }
        }
        long hash = ByteBuffer.wrap(sha.digest()).getLong();
        return hash == UNKNOWN_REQUEST ? 1L : hash;
    }
}
