package dev.affixo.processor;

import dev.affixo.common.ClickEventCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the internal repartition topic: {@code [format 1][canonical visitor][source][original bytes]}.
 *
 * <p>The original bytes travel instead of a re-encoded event, so a later step can still dead-letter the exact
 * record the ingest API wrote; the event is decoded again on the other side (the codec reads every version).
 * The leading format byte lets a rolling upgrade change this frame without misreading in-flight records.
 */
public final class InFlightClickSerde implements Serde<InFlightClick> {

    private static final byte FORMAT = 1;

    @Override
    public Serializer<InFlightClick> serializer() {
        return (topic, click) -> click == null ? null : write(click);
    }

    @Override
    public Deserializer<InFlightClick> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(InFlightClick click) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(click.original().length + 96);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(FORMAT);
            out.writeUTF(click.canonicalVisitorId() == null ? "" : click.canonicalVisitorId());
            out.writeUTF(click.source());
            out.writeInt(click.original().length);
            out.write(click.original());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    static InFlightClick read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown in-flight click format " + format);
            }
            String canonical = in.readUTF();
            String source = in.readUTF();
            byte[] original = in.readNBytes(in.readInt());
            return new InFlightClick(original, source, ClickEventCodec.decode(original),
                    canonical.isEmpty() ? null : canonical);
        } catch (IOException e) {
            throw new SerializationException("truncated in-flight click", e);
        }
    }
}
