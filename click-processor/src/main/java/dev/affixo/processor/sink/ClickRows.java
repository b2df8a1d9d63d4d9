package dev.affixo.processor.sink;

import dev.affixo.common.ClickEvent;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** SQL for {@code clicks}. */
final class ClickRows {

    /**
     * Idempotent by event id. A row written again (redelivery, a crash before the offset commit, a replay)
     * takes the new matching and dedup result in place, so a replay after a rule change re-labels history.
     */
    private static final String UPSERT = """
            insert into clicks (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                                canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                                classification, key_id, idempotency_key, received_at, processed_at)
            values (:eventId, :workspaceId, :linkId, :affiliateId, :campaignId, :ref, :visitorId,
                    :canonicalVisitorId, :matchMethod, :matchConfidence, :fingerprint, :url, :referrer,
                    :classification, :keyId, :idempotencyKey, :receivedAt, now())
            on conflict (event_id) do update set
                canonical_visitor_id = excluded.canonical_visitor_id,
                match_method         = excluded.match_method,
                match_confidence     = excluded.match_confidence,
                classification       = excluded.classification,
                processed_at         = excluded.processed_at
            """;

    private ClickRows() {
    }

    static void upsert(Handle handle, List<ClickRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(UPSERT);
        // One lock order for every writer, so two tasks writing overlapping rows cannot deadlock.
        rows.stream().sorted(Comparator.comparing(r -> r.event().eventId())).forEach(row -> {
            ClickEvent e = row.event();
            batch.bind("eventId", UUID.fromString(e.eventId()))
                    .bind("workspaceId", e.workspaceId())
                    .bind("linkId", e.linkId())
                    .bind("affiliateId", e.affiliateId())
                    .bind("campaignId", e.campaignId())
                    .bind("ref", e.ref())
                    .bind("visitorId", e.visitorId())
                    .bind("canonicalVisitorId", row.canonicalVisitorId())
                    .bind("matchMethod", e.matchMethod().wire())
                    .bind("matchConfidence", (float) e.matchConfidence())
                    .bind("fingerprint", e.fingerprint())
                    .bind("url", e.url())
                    .bind("referrer", e.referrer())
                    .bind("classification", row.classification().wire())
                    .bind("keyId", e.keyId())
                    .bind("idempotencyKey", e.idempotencyKey())
                    .bind("receivedAt", OffsetDateTime.ofInstant(e.receivedAt(), ZoneOffset.UTC))
                    .add();
        });
        batch.execute();
    }
}
