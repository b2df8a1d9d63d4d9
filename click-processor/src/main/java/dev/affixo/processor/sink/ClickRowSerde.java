package dev.affixo.processor.sink;

import dev.affixo.common.ClickEventCodec;
import dev.affixo.processor.dedup.Classification;
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
 * Value of {@code pending-click-rows} (and so of its changelog):
 * {@code [format 1][canonical visitor][classification][source][event as ClickEventCodec bytes]}, then, only for a
 * sampled click, {@code [1][traceparent][tracestate or ""][pending since, epoch ms]} ({@link RowTrace}).
 *
 * <p>The trace is a trailer, not a new format: a reader built before it reads the frame up to the event's bytes and
 * ignores the rest, so pending rows of sampled clicks restore on either release during a rolling upgrade.
 *
 * <p>The event travels as the accepted-clicks record's own bytes ({@link ClickRow#accepted()}), never
 * re-encoded: in the codec's versioned format, which reads every version, so a pending row written by one
 * release is still read by the next after a crash or a rebalance. The leading byte lets this frame change
 * without misreading what a changelog still holds.
 */
public final class ClickRowSerde implements Serde<ClickRow> {

    private static final byte FORMAT = 1;
    private static final byte TRACE = 1;
    private static final Classification[] LABELS = Classification.values();

    @Override
    public Serializer<ClickRow> serializer() {
        return (topic, row) -> row == null ? null : write(row);
    }

    @Override
    public Deserializer<ClickRow> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(ClickRow row) {
        byte[] event = row.accepted();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(event.length + 96);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeByte(FORMAT);
            out.writeUTF(row.canonicalVisitorId());
            out.writeByte(row.classification().ordinal());
            out.writeUTF(row.source());
            out.writeInt(event.length);
            out.write(event);
            if (row.trace() != null) {
                out.writeByte(TRACE);
                out.writeUTF(row.trace().traceparent());
                out.writeUTF(row.trace().tracestate() == null ? "" : row.trace().tracestate());
                out.writeLong(row.trace().pendingSinceMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    static ClickRow read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown pending click row format " + format);
            }
            String canonical = in.readUTF();
            Classification label = LABELS[in.readUnsignedByte()];
            String source = in.readUTF();
            byte[] event = in.readNBytes(in.readInt());
            RowTrace trace = null;
            if (in.available() > 0 && in.readByte() == TRACE) {
                String parent = in.readUTF();
                String state = in.readUTF();
                trace = new RowTrace(parent, state.isEmpty() ? null : state, in.readLong());
            }
            return new ClickRow(ClickEventCodec.decode(event), canonical, label, source, event, trace);
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new SerializationException("truncated or corrupt pending click row", e);
        }
    }
}
