package dev.affixo.bench.processing;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickOrigin;
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
 * repeats of a recent visitor on the same link (the processor labels them duplicates). Every click carries an
 * origin as the API sends it since issue 14 (a user agent out of about 2 000 real-looking strings, 2 % of them
 * crawlers, preview fetchers and scripts; an ip_hash and prefix per visitor), so processing runs the traffic labels
 * the way production would: mostly cache hits, some parses, velocity buckets for every click.
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

    private static final String[] USER_AGENTS = userAgents();

    /** Browser templates × versions, and a few bots: the variety a user-agent cache meets in real traffic. */
    private static String[] userAgents() {
        String[] templates = {
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/1%d.0.%d.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Safari/605.1.%d",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E%d Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel %d) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.%d.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Android 14; Mobile; rv:1%d.0) Gecko/1%d.0 Firefox/125.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:1%d.0) Gecko/20100101 Firefox/1%d.0",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/1%d.0.%d.0 Safari/537.36",
            "Mozilla/5.0 (iPad; CPU OS 16_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/1%d.0 Mobile/15E148 Safari/604.1",
        };
        String[] bots = {
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "curl/8.5.0",
        };
        String[] all = new String[2000];
        for (int i = 0; i < all.length; i++) {
            all[i] = i % 50 == 0 ? bots[(i / 50) % bots.length]
                    : String.format(templates[i % templates.length], 10 + i % 30, i);
        }
        return all;
    }

    /** What the API would have derived for this visitor: one address, one user agent per visitor. */
    private static ClickOrigin origin(String visitorId) {
        long h = visitorId.hashCode() * 0x9E3779B97F4A7C15L;
        String ipHash = String.format("%016x%016x%016x%016x", h, h * 31, h * 37, h * 41);
        String prefix = "198.51." + ((h >>> 8) & 0xff) + ".0/24";
        return new ClickOrigin(USER_AGENTS[(int) Math.floorMod(h, (long) USER_AGENTS.length)], prefix, ipHash,
                "NL", 64496L, false, false);
    }

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
                    last.url(), last.referrer(), keyId, null, receivedAt, last.origin());
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
                visitorId, method, confidence, fingerprint, url, referrer, keyId, null, receivedAt, origin(visitorId));
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
