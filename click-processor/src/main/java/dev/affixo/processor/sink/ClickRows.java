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
     * Idempotent by event id. What the client sent is never updated: the {@code do update} touches derived
     * columns only, and only when the stored request fields equal the incoming ones — an event id stored with
     * another body (one Idempotency-Key, two bodies) is left exactly as stored, and {@code returning} leaves it
     * out, which is how the caller learns it was refused. One statement per batch: the rows arrive as one array
     * per column (see {@link SqlColumns}).
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

    /** Same request fields as stored: the guard every update of a stored click passes. */
    private static final String SAME_REQUEST = """
            where (clicks.workspace_id, clicks.link_id, clicks.ref, clicks.visitor_id, clicks.match_method,
                   clicks.fingerprint, clicks.url, clicks.referrer)
                  is not distinct from
                  (excluded.workspace_id, excluded.link_id, excluded.ref, excluded.visitor_id, excluded.match_method,
                   excluded.fingerprint, excluded.url, excluded.referrer)
            returning event_id::text
            """;

    /**
     * A replay re-derives matching and dedup on purpose (e.g. after a window change), so a stored click takes the
     * new result in place.
     */
    private static final String RELABEL = INSERT + """
            on conflict (event_id) do update set
                canonical_visitor_id = excluded.canonical_visitor_id,
                match_method         = excluded.match_method,
                match_confidence     = excluded.match_confidence,
                classification       = excluded.classification,
                processed_at         = excluded.processed_at
            """ + SAME_REQUEST;

    /**
     * The live processor keeps what a click was first stored with: its re-writes are redeliveries (which may come
     * after dedup forgot the event id, and would be labelled anew) and crash recoveries (which write the same
     * values). The update changes nothing, but it still takes the guard, so {@code returning} still tells a
     * refused second body apart.
     */
    private static final String KEEP_LABEL = INSERT + """
            on conflict (event_id) do update set processed_at = clicks.processed_at
            """ + SAME_REQUEST;

    private ClickRows() {
    }

    /**
     * Writes the rows ({@code relabel}: stored clicks take their derived columns, else they keep theirs) and
     * returns those refused: within the batch the first row of an event id fixes its
     * request fields (a later row with the same fields replaces its derived columns, as if written after it;
     * one with other fields is refused), and in the table the stored row does.
     */
    static List<ClickRow> upsert(Handle handle, List<ClickRow> rows, boolean relabel) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, ClickRow> byEventId = new LinkedHashMap<>();
        List<ClickRow> refused = new ArrayList<>();
        for (ClickRow row : rows) {
            ClickRow first = byEventId.putIfAbsent(row.event().eventId(), row);
            if (first != null) {
                if (first.event().sameRequestAs(row.event())) {
                    byEventId.put(row.event().eventId(), row);
                } else {
                    refused.add(row);
                }
            }
        }
        List<String> written = new SqlColumns<>(handle, relabel ? RELABEL : KEEP_LABEL, byEventId.values(),
                r -> r.event().eventId(), (earlier, later) -> later)
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
