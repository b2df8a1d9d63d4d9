package dev.affixo.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A fixed pool of request bodies, generated once so the generator spends its CPU on sending, not on
 * building strings: one shape for the API and the baseline server alike, refs spread uniformly over the
 * seeded links, a random visitor id in every body and a fingerprint in a quarter of them.
 */
public final class ClickBodies {

    private final byte[][] bodies;

    public ClickBodies(int count, int links, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        bodies = new byte[count][];
        for (int i = 0; i < count; i++) {
            bodies[i] = body(ref(random.nextInt(links)), new UUID(random.nextLong(), random.nextLong()).toString(),
                    random.nextInt(4) == 0 ? "fp-" + Long.toHexString(random.nextLong()) : null, random.nextInt(1000))
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    public static String ref(int i) {
        return String.format("ref-%05d", i);
    }

    public static String body(String ref, String visitorId, String fingerprint, int product) {
        StringBuilder b = new StringBuilder(256).append("{\"ref\":\"").append(ref).append('"');
        if (visitorId != null) {
            b.append(",\"visitor_id\":\"").append(visitorId).append('"');
        }
        if (fingerprint != null) {
            b.append(",\"fingerprint\":\"").append(fingerprint).append('"');
        }
        return b.append(",\"url\":\"https://shop.example.com/products/").append(product)
                .append("?utm_source=affiliate\",\"referrer\":\"https://blog.example.net/reviews/best-of\"}")
                .toString();
    }

    public byte[] get(long i) {
        return bodies[(int) (i % bodies.length)];
    }
}
