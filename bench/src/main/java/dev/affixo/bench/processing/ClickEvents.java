package dev.affixo.bench.processing;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.Ids;
import dev.affixo.common.MatchMethod;
import dev.affixo.bench.load.ClickBodies;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Realistic accepted clicks, as the API would have published them, generated from a seed: the same seed
 * gives the same sequence of visitors and links (event ids are always fresh), so the insert baseline
 * writes rows equivalent to the processed backlog without keeping 500 000 events in memory.
 *
 * <p>Mix: 45 % cookie clicks from a pool of returning visitors (a third also carry a fingerprint, which
 * creates aliases), 25 % fingerprint-only clicks from a pool of devices, 20 % new visitors, 10 % quick
 * repeats of a recent visitor on the same link (the processor labels them duplicates).
 */
public final class ClickEvents {

    /** The API's namespace for fingerprint-derived visitor ids (VisitorAssignment). */
    private static final String FINGERPRINT_NAMESPACE = "affixo.visitor.fingerprint";
    private static final int VISITORS = 100_000;
    private static final int DEVICES = 50_000;

    public record LinkRow(long id, long affiliateId, Long campaignId, String ref) {
    }

    private final long workspaceId;
    private final long keyId;
    private final List<LinkRow> links;
    private final SplittableRandom random;
    private final String[] fingerprintVisitor = new String[DEVICES];
    private ClickEvent last;

    public ClickEvents(long workspaceId, long keyId, List<LinkRow> links, long seed) {
        this.workspaceId = workspaceId;
        this.keyId = keyId;
        this.links = links;
        this.random = new SplittableRandom(seed);
    }

    public ClickEvent next(Instant receivedAt) {
        int roll = random.nextInt(100);
        String eventId = Ids.newTimeOrdered().toString();
        if (roll < 10 && last != null) {
            ClickEvent e = new ClickEvent(eventId, workspaceId, last.linkId(), last.affiliateId(), last.campaignId(),
                    last.ref(), last.visitorId(), last.matchMethod(), last.matchConfidence(), last.fingerprint(),
                    last.url(), last.referrer(), keyId, null, receivedAt);
            last = e;
            return e;
        }
        LinkRow link = links.get(random.nextInt(links.size()));
        String url = "https://shop.example.com/products/" + random.nextInt(1000) + "?utm_source=affiliate";
        String referrer = "https://blog.example.net/reviews/best-of";
        String visitorId;
        String fingerprint = null;
        MatchMethod method;
        double confidence;
        if (roll < 55) {
            visitorId = visitor(random.nextInt(VISITORS));
            method = MatchMethod.COOKIE;
            confidence = 1.0;
            if (random.nextInt(3) == 0) {
                fingerprint = device(random.nextInt(DEVICES));
            }
        } else if (roll < 80) {
            int device = random.nextInt(DEVICES);
            fingerprint = device(device);
            visitorId = fingerprintVisitor(device);
            method = MatchMethod.FINGERPRINT;
            confidence = 0.8;
        } else {
            visitorId = new UUID(random.nextLong(), random.nextLong()).toString();
            method = MatchMethod.NEW;
            confidence = 0.0;
        }
        last = new ClickEvent(eventId, workspaceId, link.id(), link.affiliateId(), link.campaignId(), link.ref(),
                visitorId, method, confidence, fingerprint, url, referrer, keyId, null, receivedAt);
        return last;
    }

    private static String visitor(int i) {
        return "v-" + ClickBodies.ref(i) + "-returning";
    }

    private static String device(int i) {
        return "fp-" + Long.toHexString((i + 1) * 0x9E3779B97F4A7C15L);
    }

    private String fingerprintVisitor(int device) {
        String id = fingerprintVisitor[device];
        if (id == null) {
            id = Ids.nameBased(FINGERPRINT_NAMESPACE, Long.toString(workspaceId), device(device)).toString();
            fingerprintVisitor[device] = id;
        }
        return id;
    }
}
