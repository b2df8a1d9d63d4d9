package dev.affixo.bench.state;

import dev.affixo.bench.processing.ClickEvents.LinkRow;
import dev.affixo.common.ClickEvent;
import dev.affixo.common.Ids;
import dev.affixo.common.MatchMethod;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Clicks where every visitor is new: what makes the processor's state grow. A fifth also carry a new
 * fingerprint, so the alias store (which keeps what the alias graph needs, with no expiry) grows beside the
 * dedup stores (which keep one retention of clicks).
 */
final class DistinctVisitorClicks {

    private final long workspaceId;
    private final long keyId;
    private final List<LinkRow> links;
    private final SplittableRandom random;

    DistinctVisitorClicks(long workspaceId, long keyId, List<LinkRow> links, long seed) {
        this.workspaceId = workspaceId;
        this.keyId = keyId;
        this.links = links;
        this.random = new SplittableRandom(seed);
    }

    ClickEvent next(Instant receivedAt) {
        LinkRow link = links.get(random.nextInt(links.size()));
        String visitorId = new UUID(random.nextLong(), random.nextLong()).toString();
        String fingerprint = random.nextInt(5) == 0 ? "fp-" + Long.toHexString(random.nextLong()) : null;
        return new ClickEvent(Ids.newTimeOrdered().toString(), workspaceId, link.id(), link.affiliateId(),
                link.campaignId(), link.ref(), visitorId, MatchMethod.NEW, 0.0, fingerprint,
                "https://shop.example.com/products/" + random.nextInt(1000) + "?utm_source=affiliate",
                "https://blog.example.net/reviews/best-of", keyId, null, receivedAt);
    }
}
