package dev.affixo.bench.load;

import java.io.ByteArrayOutputStream;

/**
 * Bodies of {@code POST /v1/track/clicks}: {@code {"clicks":[…]}} of {@code size} items, the items taken in turn
 * from the single endpoint's body pool, so a batch item and a single click are the same bytes. Built once.
 */
public final class BatchBodies {

    private final byte[][] bodies;

    public BatchBodies(ClickBodies clicks, int size, int count) {
        bodies = new byte[count][];
        long next = 0;
        for (int b = 0; b < count; b++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(size * 200);
            out.writeBytes("{\"clicks\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < size; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.writeBytes(clicks.get(next++));
            }
            out.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            bodies[b] = out.toByteArray();
        }
    }

    public byte[] get(long i) {
        return bodies[(int) (i % bodies.length)];
    }
}
