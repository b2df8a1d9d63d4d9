package dev.affixo.processor.dedup;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.FieldDigest;
import java.nio.ByteBuffer;

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
        return ByteBuffer.wrap(e.digestRequest(new FieldDigest()).digest()).getLong();
    }
}
