package dev.affixo.processor.matching;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link Alias} as {@code [format 1][updated_at millis i64 big-endian][visitor UTF-8]}.
 *
 * <p>Also reads the legacy text value {@code "<millis>|<visitor>"} that this store held before, which starts with
 * a digit or {@code '-'} and never with the byte {@code 0x01}. So the store keeps its name and its state (and its
 * changelog) across the deploy, and matching needs nothing rebuilt: old values are rewritten in the new format
 * the next time their fingerprint's alias moves.
 */
public final class AliasSerde implements Serde<Alias> {

    private static final byte FORMAT = 1;

    @Override
    public Serializer<Alias> serializer() {
        return (topic, alias) -> {
            if (alias == null) {
                return null;
            }
            byte[] visitor = alias.visitorId().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 8 + visitor.length).put(FORMAT).putLong(alias.updatedAtMillis())
                    .put(visitor).array();
        };
    }

    @Override
    public Deserializer<Alias> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static Alias read(byte[] bytes) {
        if (bytes.length == 0) {
            throw new SerializationException("empty alias value");
        }
        byte first = bytes[0];
        if (first == FORMAT) {
            if (bytes.length < 9) {
                throw new SerializationException("truncated alias value: " + bytes.length + " bytes");
            }
            return new Alias(ByteBuffer.wrap(bytes, 1, 8).getLong(),
                    new String(bytes, 9, bytes.length - 9, StandardCharsets.UTF_8));
        }
        if ((first >= '0' && first <= '9') || first == '-') {
            return readLegacy(new String(bytes, StandardCharsets.UTF_8));
        }
        throw new SerializationException("unknown alias value format " + first);
    }

    private static Alias readLegacy(String value) {
        int bar = value.indexOf('|');
        if (bar < 0) {
            throw new SerializationException("legacy alias value without '|'");
        }
        try {
            return new Alias(Long.parseLong(value.substring(0, bar)), value.substring(bar + 1));
        } catch (NumberFormatException e) {
            throw new SerializationException("legacy alias value with a bad time", e);
        }
    }
}
