package dev.affixo.processor;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An event id as a store key: 16 bytes, big-endian, instead of the 36 characters of its text. {@code DecodeStep}
 * dead-letters every event whose id is not a canonical UUID, so every id that reaches a store converts both ways.
 */
public final class EventIdSerde implements Serde<UUID> {

    private static final int BYTES = 16;

    /** The key of an event id that {@code DecodeStep} already checked to be a canonical UUID. */
    public static UUID of(String eventId) {
        return UUID.fromString(eventId);
    }

    @Override
    public Serializer<UUID> serializer() {
        return (topic, id) -> id == null ? null
                : ByteBuffer.allocate(BYTES).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                        .array();
    }

    @Override
    public Deserializer<UUID> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != BYTES) {
                throw new SerializationException("an event id key is 16 bytes, not " + bytes.length);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new UUID(buffer.getLong(), buffer.getLong());
        };
    }
}
