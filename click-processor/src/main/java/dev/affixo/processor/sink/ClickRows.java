package dev.affixo.processor.sink;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
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
            from unnest(:eventIds::uuid[], :workspaceIds::int8[], :linkIds::int8[], :affiliateIds::int8[],
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
        new SqlColumns<>(handle, UPSERT, oneRowPerEvent(rows))
                .column("eventIds", "uuid", r -> UUID.fromString(r.event().eventId()))
                .column("workspaceIds", "int8", r -> r.event().workspaceId())
                .column("linkIds", "int8", r -> r.event().linkId())
                .column("affiliateIds", "int8", r -> r.event().affiliateId())
                .column("campaignIds", "int8", r -> r.event().campaignId())
                .column("refs", "text", r -> r.event().ref())
                .column("visitorIds", "text", r -> r.event().visitorId())
                .column("canonicalVisitorIds", "text", ClickRow::canonicalVisitorId)
                .column("matchMethods", "text", r -> r.event().matchMethod().wire())
                .column("matchConfidences", "float4", r -> (float) r.event().matchConfidence())
                .column("fingerprints", "text", r -> r.event().fingerprint())
                .column("urls", "text", r -> r.event().url())
                .column("referrers", "text", r -> r.event().referrer())
                .column("classifications", "text", r -> r.classification().wire())
                .column("keyIds", "int8", r -> r.event().keyId())
                .column("idempotencyKeys", "text", r -> r.event().idempotencyKey())
                .column("receivedAtMillis", "int8", r -> r.event().receivedAt().toEpochMilli())
                .execute();
    }

    /**
     * One row per event id, the last one winning as if the rows were written one after another (one statement
     * may not update a row twice), sorted by event id: one lock order for every writer, so two tasks writing
     * overlapping rows cannot deadlock.
     */
    private static List<ClickRow> oneRowPerEvent(List<ClickRow> rows) {
        Map<String, ClickRow> byEvent = new TreeMap<>();
        for (ClickRow row : rows) {
            byEvent.put(row.event().eventId(), row);
        }
        return List.copyOf(byEvent.values());
    }
}
