package dev.affixo.ingest.click;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.Ids;
import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.links.Link;
import java.time.Instant;

/** The event an accepted click is published as. */
final class ClickEvents {

    static final String EVENT_NAMESPACE = "affixo.event";

    private ClickEvents() {
    }

    /**
     * The ref stored is the link's, which equals the request's (the link was found by it). With an
     * {@code Idempotency-Key} the event id is derived from (workspace, key), so a retried request is the
     * same event and the processor stores it once; without one it is a new time-ordered id. The origin is what
     * the parser kept of the visitor's address and user agent ({@code ClickOrigin.NONE} without them).
     */
    static ClickEvent of(ApiKey key, Link link, ClickRequest click, VisitorAssignment visitor,
                         String idempotencyKey, Instant receivedAt) {
        return new ClickEvent(eventId(key.workspaceId(), idempotencyKey), key.workspaceId(), link.id(),
                link.affiliateId(), link.campaignId(), link.ref(), visitor.visitorId(), visitor.method(),
                visitor.confidence(), click.fingerprint(), click.url(), click.referrer(), key.id(), idempotencyKey,
                receivedAt, click.origin());
    }

    static String eventId(long workspaceId, String idempotencyKey) {
        return idempotencyKey != null
                ? Ids.nameBased(EVENT_NAMESPACE, Long.toString(workspaceId), idempotencyKey).toString()
                : Ids.newTimeOrdered().toString();
    }
}
