package dev.affixo.processor.sink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Value of {@code pending-alias-rows}:
 * {@code [format 1][workspace i64][updated_at millis i64][fingerprint u16 length + UTF-8][visitor UTF-8]}.
 * The row carries its own workspace and fingerprint rather than parsing them back out of the store key, so the
 * key format can change without touching rows already pending.
 */
public final class AliasRowSerde implements Serde<AliasRow> {

    private static final byte FORMAT = 1;

    @Override
    public Serializer<AliasRow> serializer() {
        return (topic, row) -> {
            if (row == null) {
                return null;
            }
            byte[] fingerprint = row.fingerprint().getBytes(StandardCharsets.UTF_8);
            byte[] visitor = row.visitorId().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 8 + 8 + 2 + fingerprint.length + visitor.length)
                    .put(FORMAT).putLong(row.workspaceId()).putLong(row.updatedAt().toEpochMilli())
                    .putShort((short) fingerprint.length).put(fingerprint).put(visitor).array();
        };
    }

    @Override
    public Deserializer<AliasRow> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                ByteBuffer in = ByteBuffer.wrap(bytes);
                byte format = in.get();
                if (format != FORMAT) {
                    throw new SerializationException("unknown pending alias row format " + format);
                }
                long workspaceId = in.getLong();
                Instant updatedAt = Instant.ofEpochMilli(in.getLong());
                byte[] fingerprint = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(fingerprint);
                byte[] visitor = new byte[in.remaining()];
                in.get(visitor);
                return new AliasRow(workspaceId, new String(fingerprint, StandardCharsets.UTF_8),
                        new String(visitor, StandardCharsets.UTF_8), updatedAt);
            } catch (RuntimeException e) {
                throw e instanceof SerializationException s ? s
                        : new SerializationException("truncated pending alias row", e);
            }
        };
    }
}
