package dev.affixo.processor.sink;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** SQL for {@code clicks}. */
final class ClickRows {

    /**
     * Idempotent by event id, one statement per batch: the rows arrive as one array per column (see
     * {@link SqlColumns}). What the client sent is never updated, and a stored row is touched at all only when
     * its request fields equal the incoming ones (the {@code where} of both conflict clauses below): an event id
     * stored with another body (one Idempotency-Key, two bodies) is left exactly as stored, and
     * {@code returning} leaves it out, which is how the caller learns it was refused.
     */
    private static final String INSERT = """
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
            """;

    private static final String SAME_REQUEST = """
            where (clicks.workspace_id, clicks.link_id, clicks.ref, clicks.visitor_id, clicks.match_method,
                   clicks.fingerprint, clicks.url, clicks.referrer)
                  is not distinct from
                  (excluded.workspace_id, excluded.link_id, excluded.ref, excluded.visitor_id, excluded.match_method,
                   excluded.fingerprint, excluded.url, excluded.referrer)
            returning event_id::text
            """;

    /**
     * Live processing: a row written again (a redelivery that got past dedup, a rewrite after a crash) keeps
     * what was stored. A rewrite after a crash derives the same values anyway; a late redelivery may not — a
     * fingerprint-only copy resolves through the alias as it is now, possibly to another visitor whose dedup
     * task never saw the event id — and must not re-label a stored click. The no-op update only makes the
     * guard and {@code returning} work as they do for replays.
     */
    private static final String UPSERT_KEEPING_STORED = INSERT + """
            on conflict (event_id) do update set processed_at = clicks.processed_at
            """ + SAME_REQUEST;

    /** Replay: matching and dedup re-derived from the whole log replace the stored ones, in place. */
    private static final String UPSERT_REDERIVING = INSERT + """
            on conflict (event_id) do update set
                canonical_visitor_id = excluded.canonical_visitor_id,
                match_method         = excluded.match_method,
                match_confidence     = excluded.match_confidence,
                classification       = excluded.classification,
                processed_at         = excluded.processed_at
            """ + SAME_REQUEST;

    private ClickRows() {
    }

    /**
     * Writes the rows and returns those refused: within the batch the first row of an event id fixes its
     * request fields (a later row with the same fields is handled as if written after it: ignored live, its
     * derived columns taken in a replay; one with other fields is refused), and in the table the stored row
     * does.
     */
    static List<ClickRow> upsert(Handle handle, List<ClickRow> rows, boolean rederive) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, ClickRow> byEventId = new LinkedHashMap<>();
        List<ClickRow> refused = new ArrayList<>();
        for (ClickRow row : rows) {
            ClickRow first = byEventId.putIfAbsent(row.event().eventId(), row);
            if (first != null) {
                if (first.event().sameRequestAs(row.event())) {
                    if (rederive) {
                        byEventId.put(row.event().eventId(), row);
                    }
                } else {
                    refused.add(row);
                }
            }
        }
        List<String> written = new SqlColumns<>(handle,
                rederive ? UPSERT_REDERIVING : UPSERT_KEEPING_STORED, byEventId.values(), r -> r.event().eventId(),
                (earlier, later) -> later)
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
                .returning();
        Set<String> writtenIds = new HashSet<>(written);
        for (ClickRow row : byEventId.values()) {
            if (!writtenIds.contains(row.event().eventId())) {
                refused.add(row);
            }
        }
        return refused;
    }
}
