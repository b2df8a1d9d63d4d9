package dev.affixo.processor.sink;

import dev.affixo.processor.erasure.ErasedIdentities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
     *
     * <p>{@code clicks} is partitioned by {@code received_at}, so its key is (workspace_id, event_id, received_at)
     * (migration V4). Every copy of a click carries the {@code received_at} of its request (the API mints the event
     * id in the same moment), so a redelivery meets its row on that key. A click sent with an Idempotency-Key is the
     * exception: its event id comes from (workspace, key), so a retried request has the same event id and its own,
     * later {@code received_at}; such a row is written under the {@code received_at} {@link #CLAIM_KEYED} returns.
     */
    private static final String INSERT = """
            insert into clicks (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                                canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                                classification, key_id, idempotency_key, received_at, processed_at)
            select event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                   canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                   classification, key_id, idempotency_key,
                   timestamptz 'epoch' + received_at_us * interval '1 microsecond', now()
            from unnest(:eventIds::text[]::uuid[], :workspaceIds::int8[], :linkIds::int8[], :affiliateIds::int8[],
                        :campaignIds::int8[], :refs::text[], :visitorIds::text[], :canonicalVisitorIds::text[],
                        :matchMethods::text[], :matchConfidences::float4[], :fingerprints::text[], :urls::text[],
                        :referrers::text[], :classifications::text[], :keyIds::int8[], :idempotencyKeys::text[],
                        :receivedAtMicros::int8[])
                 as row(event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                        canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                        classification, key_id, idempotency_key, received_at_us)
            """;

    /**
     * The one {@code received_at} of each keyed event id: the first writer's, registered in {@code click_keyed_events}
     * (keyed by (workspace_id, event_id), which a partitioned table cannot be) and returned to every later writer, so
     * a retry lands on the stored row and meets the guard there. Its unique key also serialises two writers of one
     * event id, as the old primary key did: the second waits for the first to commit and then gets its value. Rows
     * are claimed in key order by every writer, so two cannot deadlock. The no-op update is there for
     * {@code returning}; it costs a row version only when an event id comes again.
     */
    private static final String CLAIM_KEYED = """
            insert into click_keyed_events (workspace_id, event_id, received_at)
            select workspace_id, event_id::uuid, timestamptz 'epoch' + received_at_us * interval '1 microsecond'
            from unnest(:workspaceIds::int8[], :eventIds::text[], :receivedAtMicros::int8[])
                 as row(workspace_id, event_id, received_at_us)
            on conflict (workspace_id, event_id) do update set received_at = click_keyed_events.received_at
            returning event_id::text || ' ' || (extract(epoch from received_at) * 1000000)::int8
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
            on conflict (workspace_id, event_id, received_at) do update set
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
            on conflict (workspace_id, event_id, received_at) do update set processed_at = clicks.processed_at
            """ + SAME_REQUEST;

    private ClickRows() {
    }

    /**
     * Writes the rows ({@code relabel}: stored clicks take their derived columns, else they keep theirs) and
     * returns those refused: within the batch the first row of an event id fixes its
     * request fields (a later row with the same fields replaces its derived columns, as if written after it;
     * one with other fields is refused), and in the table the stored row does.
     */
    static List<ClickRow> upsert(Handle handle, List<ClickRow> rows, boolean relabel, ErasedIdentities erased) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, ClickRow> byEventId = new LinkedHashMap<>();
        // The first row of an event id also fixes its received_at (a keyed retry comes with a later one). In
        // microseconds, PostgreSQL's precision: a row stored before V4 by another writer may have them.
        Map<String, Long> receivedAtMicros = new HashMap<>();
        List<ClickRow> refused = new ArrayList<>();
        for (ClickRow row : rows) {
            ClickRow first = byEventId.putIfAbsent(row.event().eventId(), row);
            if (first == null) {
                receivedAtMicros.put(row.event().eventId(), row.event().receivedAt().toEpochMilli() * 1000);
            } else if (first.event().sameRequestAs(row.event())) {
                byEventId.put(row.event().eventId(), row);
            } else {
                refused.add(row);
            }
        }
        List<ClickRow> keyed = byEventId.values().stream().filter(r -> r.event().idempotencyKey() != null).toList();
        if (!keyed.isEmpty()) {
            List<String> claimed = new SqlColumns<>(handle, CLAIM_KEYED, keyed,
                    r -> r.event().workspaceId() + "/" + r.event().eventId(), (earlier, later) -> later)
                    .int8("workspaceIds", r -> r.event().workspaceId())
                    .text("eventIds", r -> r.event().eventId())
                    .int8("receivedAtMicros", r -> receivedAtMicros.get(r.event().eventId()))
                    .returning();
            for (String claim : claimed) {
                int space = claim.indexOf(' ');
                receivedAtMicros.put(claim.substring(0, space), Long.parseLong(claim.substring(space + 1)));
            }
        }
        // Erasure applies to what is written, never to what is compared in the batch above: a click of an erased
        // person is stored erased under the received_at it is stored with (a keyed retry's first), so the guard
        // below meets the erased stored row with equal request fields (docs/privacy.md).
        List<ClickRow> toWrite = byEventId.values().stream()
                .map(r -> erased.apply(r, microsToInstant(receivedAtMicros.get(r.event().eventId()))))
                .toList();
        List<String> written = new SqlColumns<>(handle, relabel ? RELABEL : KEEP_LABEL, toWrite,
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
                .int8("receivedAtMicros", r -> receivedAtMicros.get(r.event().eventId()))
                .returning();
        Set<String> writtenIds = new HashSet<>(written);
        for (ClickRow row : byEventId.values()) {
            if (!writtenIds.contains(row.event().eventId())) {
                refused.add(row);
            }
        }
        return refused;
    }

    private static Instant microsToInstant(long micros) {
        return Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L));
    }
}
