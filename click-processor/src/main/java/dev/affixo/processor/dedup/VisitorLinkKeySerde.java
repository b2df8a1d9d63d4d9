package dev.affixo.processor.dedup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link VisitorLinkKey} as {@code [workspace i64][link i64][visitor UTF-8]}: the two fixed-size fields first, so
 * the variable-length visitor id needs no length prefix and no separator that a visitor id could contain.
 */
public final class VisitorLinkKeySerde implements Serde<VisitorLinkKey> {

    private static final int FIXED = 16;

    @Override
    public Serializer<VisitorLinkKey> serializer() {
        return (topic, key) -> {
            if (key == null) {
                return null;
            }
            byte[] visitor = key.canonicalVisitorId().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(FIXED + visitor.length).putLong(key.workspaceId()).putLong(key.linkId())
                    .put(visitor).array();
        };
    }

    @Override
    public Deserializer<VisitorLinkKey> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < FIXED) {
                throw new SerializationException("a visitor-link key has at least 16 bytes, not " + bytes.length);
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            long workspaceId = in.getLong();
            long linkId = in.getLong();
            return new VisitorLinkKey(workspaceId,
                    new String(bytes, FIXED, bytes.length - FIXED, StandardCharsets.UTF_8), linkId);
        };
    }
}
