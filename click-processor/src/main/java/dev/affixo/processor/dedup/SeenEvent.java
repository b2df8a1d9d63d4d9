package dev.affixo.processor.dedup;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.Ids;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * What {@code seen-event-ids} remembers of the request an event id first came with: a 64-bit hash, so a later
 * event with that id is told apart as a redelivery (same request: dropped) or a second body under one
 * Idempotency-Key (other request: dead-lettered). 8 bytes per event instead of the request itself.
 */
final class SeenEvent {

    private SeenEvent() {
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
        return ByteBuffer.wrap(sha.digest()).getLong();
    }
}
