package dev.affixo.bench.processing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Rows in PostgreSQL's binary COPY format ({@code COPY … FROM STDIN (FORMAT binary)}): a signature and header,
 * then per row a field count and each field as length + bytes in the type's binary send format (-1 for null),
 * then a trailer. Only the types {@code clicks} uses: the COPY baselines write with it.
 */
public final class PgBinaryRows {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** timestamptz is microseconds since 2000-01-01 UTC. */
    private static final long PG_EPOCH_MICROS = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 18);
    private final DataOutputStream out = new DataOutputStream(bytes);

    public PgBinaryRows() {
        try {
            out.write(SIGNATURE);
            out.writeInt(0); // flags: no OIDs
            out.writeInt(0); // no header extension
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PgBinaryRows row(int fields) {
        return io(() -> out.writeShort(fields));
    }

    public PgBinaryRows uuid(String id) {
        UUID u = UUID.fromString(id);
        return io(() -> {
            out.writeInt(16);
            out.writeLong(u.getMostSignificantBits());
            out.writeLong(u.getLeastSignificantBits());
        });
    }

    public PgBinaryRows int8(Long value) {
        return io(() -> {
            if (value == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(8);
                out.writeLong(value);
            }
        });
    }

    public PgBinaryRows float4(float value) {
        return io(() -> {
            out.writeInt(4);
            out.writeFloat(value);
        });
    }

    public PgBinaryRows text(String value) {
        return io(() -> {
            if (value == null) {
                out.writeInt(-1);
            } else {
                byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
        });
    }

    public PgBinaryRows timestamptz(Instant at) {
        long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000 - PG_EPOCH_MICROS;
        return io(() -> {
            out.writeInt(8);
            out.writeLong(micros);
        });
    }

    /** The whole stream, trailer included. */
    public byte[] finish() {
        io(() -> out.writeShort(-1));
        return bytes.toByteArray();
    }

    private interface Write {
        void run() throws IOException;
    }

    private PgBinaryRows io(Write write) {
        try {
            write.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
