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

    /** Real browsers' and a crawler's User-Agent headers, as merchants pass them on (issue 14). */
    static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    };

    private final byte[][] bodies;
    private final String name;

    public ClickBodies(int count, int links, long seed) {
        this(count, links, seed, false);
    }

    /**
     * The same pool (same seed: the same refs, visitors, fingerprints and URLs) with the visitor's {@code ip} (three
     * in four IPv4, one in four IPv6, random) and {@code user_agent} in every body: what ingest costs with them.
     */
    public static ClickBodies withVisitorOrigin(int count, int links, long seed) {
        return new ClickBodies(count, links, seed, true);
    }

    private ClickBodies(int count, int links, long seed, boolean visitorOrigin) {
        SplittableRandom random = new SplittableRandom(seed);
        SplittableRandom origins = new SplittableRandom(seed ^ 0x5eed);
        bodies = new byte[count][];
        for (int i = 0; i < count; i++) {
            String body = body(ref(random.nextInt(links)), new UUID(random.nextLong(), random.nextLong()).toString(),
                    random.nextInt(4) == 0 ? "fp-" + Long.toHexString(random.nextLong()) : null, random.nextInt(1000));
            if (visitorOrigin) {
                body = body.substring(0, body.length() - 1) + ",\"ip\":\"" + randomAddress(origins)
                        + "\",\"user_agent\":\"" + USER_AGENTS[origins.nextInt(USER_AGENTS.length)] + "\"}";
            }
            bodies[i] = body.getBytes(StandardCharsets.UTF_8);
        }
        this.name = visitorOrigin ? "with-origin" : "plain";
    }

    private static String randomAddress(SplittableRandom random) {
        if (random.nextInt(4) > 0) {
            return (1 + random.nextInt(223)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
                    + random.nextInt(256);
        }
        return String.format("2a0%x:%x:%x:%x::%x", random.nextInt(16), random.nextInt(0x10000), random.nextInt(0x10000),
                random.nextInt(0x10000), random.nextInt(0x10000));
    }

    /** {@code plain} or {@code with-origin}: tells the request files of the two pools apart. */
    public String name() {
        return name;
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
