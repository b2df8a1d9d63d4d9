package dev.affixo.processor.sink;

import java.util.List;
import org.jdbi.v3.core.Handle;

/** SQL for {@code clicks}. */
final class ClickRows {

    /**
     * Idempotent by event id. A row written again (redelivery, a crash before the offset commit, a replay)
     * takes the new matching and dedup result in place, so a replay after a rule change re-labels history.
     * One statement per batch: the rows arrive as one array per column (see {@link SqlColumns}).
     */
    private static final String UPSERT = """
            insert into clicks (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                                canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                                classification, key_id, idempotency_key, received_at, processed_at)
            select event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                   canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                   classification, key_id, idempotency_key,
                   timestamptz 'epoch' + received_at_ms * interval '1 millisecond', now()
            from unnest(:eventIds::text[]::uuid[], :workspaceIds::int8[], :linkIds::int8[], :affiliateIds::int8[],
                        :campaignIds::int8[], :refs::text[], :visitorIds::text[], :canonicalVisitorIds::text[],
                        :matchMethods::text[], :matchConfidences::float4[], :fingerprints::text[], :urls::text[],
                        :referrers::text[], :classifications::text[], :keyIds::int8[], :idempotencyKeys::text[],
                        :receivedAtMillis::int8[])
                 as row(event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                        canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                        classification, key_id, idempotency_key, received_at_ms)
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
        // Of two rows for one event the later wins, as if they were written one after another.
        new SqlColumns<>(handle, UPSERT, rows, r -> r.event().eventId(), (earlier, later) -> later)
                .text("eventIds", r -> r.event().eventId())
                .int8("workspaceIds", r -> r.event().workspaceId())
                .int8("linkIds", r -> r.event().linkId())
                .int8("affiliateIds", r -> r.event().affiliateId())
                .int8("campaignIds", r -> r.event().campaignId())
                .text("refs", r -> r.event().ref())
                .text("visitorIds", r -> r.event().visitorId())
                .text("canonicalVisitorIds", ClickRow::canonicalVisitorId)
                .text("matchMethods", r -> r.event().matchMethod().wire())
                .float4("matchConfidences", r -> (float) r.event().matchConfidence())
                .text("fingerprints", r -> r.event().fingerprint())
                .text("urls", r -> r.event().url())
                .text("referrers", r -> r.event().referrer())
                .text("classifications", r -> r.classification().wire())
                .int8("keyIds", r -> r.event().keyId())
                .text("idempotencyKeys", r -> r.event().idempotencyKey())
                .int8("receivedAtMillis", r -> r.event().receivedAt().toEpochMilli())
                .execute();
    }
}
