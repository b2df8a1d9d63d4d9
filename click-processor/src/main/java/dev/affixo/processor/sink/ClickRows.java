package dev.affixo.processor.sink;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.PgBinaryRows;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;

/** SQL for {@code clicks}. */
final class ClickRows {

    /**
     * Where a batch lands first: a session-local table of {@code clicks}' incoming columns, emptied when the
     * transaction commits. {@code create … as … with no data} takes the column types and nothing else (no
     * constraints, no indexes), so the binary COPY into it is as cheap as COPY gets. Created once per pooled
     * connection; later batches find it.
     */
    private static final String STAGING = """
            create temp table if not exists clicks_incoming on commit delete rows as
            select event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id, canonical_visitor_id,
                   match_method, match_confidence, fingerprint, url, referrer, classification, key_id, idempotency_key,
                   received_at
            from clicks with no data
            """;
    private static final String COPY = """
            copy clicks_incoming (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                                  canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                                  classification, key_id, idempotency_key, received_at)
            from stdin (format binary)""";
    private static final int COLUMNS = 17;

    /**
     * Idempotent by event id. What the client sent is never updated: the {@code do update} touches derived
     * columns only, and only when the stored request fields equal the incoming ones — an event id stored with
     * another body (one Idempotency-Key, two bodies) is left exactly as stored, and {@code returning} leaves it
     * out, which is how the caller learns it was refused. One statement per batch, reading the batch from
     * {@code clicks_incoming} in event id order, so every writer takes its row locks in one order and two
     * cannot deadlock.
     */
    private static final String INSERT = """
            insert into clicks (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                                canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                                classification, key_id, idempotency_key, received_at, processed_at)
            select event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                   canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                   classification, key_id, idempotency_key, received_at, now()
            from clicks_incoming
            order by event_id
            """;

    /**
     * {@code clicks} is partitioned by {@code received_at}, so its key is (workspace_id, event_id, received_at)
     * (migration V4). Every copy of a click carries the {@code received_at} of its request (the API takes it in the
     * moment it mints the event id), so a redelivery meets its row on that key. A click sent with an Idempotency-Key
     * is the exception: its event id comes from (workspace, key), so a retried request has the same event id and
     * its own, later {@code received_at}. Such an event id is claimed in {@code click_keyed_events} (keyed by
     * (workspace_id, event_id), which a partitioned table cannot be): the first writer registers its
     * {@code received_at}, every later one gets it back, and the staged row takes it, so a retry lands on the stored
     * row and meets the guard there. The unique key also serialises two writers of one event id, as the old primary
     * key did: the second waits for the first to commit, then gets its value. Claimed in key order, so two writers
     * cannot deadlock; the no-op update is there for {@code returning} (a row version only when an id comes again).
     */
    private static final String CLAIM_KEYED = """
            with claimed as (
                insert into click_keyed_events (workspace_id, event_id, received_at)
                select workspace_id, event_id, received_at from clicks_incoming
                where idempotency_key is not null
                order by workspace_id, event_id
                on conflict (workspace_id, event_id) do update set received_at = click_keyed_events.received_at
                returning workspace_id, event_id, received_at)
            update clicks_incoming i set received_at = c.received_at
            from claimed c
            where i.workspace_id = c.workspace_id and i.event_id = c.event_id and i.received_at <> c.received_at
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
    static List<ClickRow> upsert(Handle handle, List<ClickRow> rows, boolean relabel) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, ClickRow> byEventId = new LinkedHashMap<>();
        // The first row of an event id also fixes its received_at (a keyed retry comes with a later one).
        Map<String, Instant> receivedAt = new HashMap<>();
        List<ClickRow> refused = new ArrayList<>();
        for (ClickRow row : rows) {
            ClickRow first = byEventId.putIfAbsent(row.event().eventId(), row);
            if (first == null) {
                receivedAt.put(row.event().eventId(), row.event().receivedAt());
            } else if (first.event().sameRequestAs(row.event())) {
                byEventId.put(row.event().eventId(), row);
            } else {
                refused.add(row);
            }
        }
        List<String> written = insert(handle, byEventId.values(), receivedAt, relabel ? RELABEL : KEEP_LABEL);
        Set<String> writtenIds = new HashSet<>(written);
        for (ClickRow row : byEventId.values()) {
            if (!writtenIds.contains(row.event().eventId())) {
                refused.add(row);
            }
        }
        return refused;
    }

    /**
     * The batch (one row per event id) by binary COPY into {@code clicks_incoming}, then {@code sql} from there:
     * measured against one {@code insert … select from unnest(arrays)} in BENCHMARKS.md ("COPY against unnest").
     * Must run inside the batch's transaction: the staging rows go at its commit.
     */
    private static List<String> insert(Handle handle, Collection<ClickRow> rows, Map<String, Instant> receivedAt,
            String sql) {
        if (!handle.isInTransaction()) {
            throw new IllegalStateException("a click batch is written inside one transaction");
        }
        PgBinaryRows copy = new PgBinaryRows();
        for (ClickRow r : rows) {
            ClickEvent e = r.event();
            copy.row(COLUMNS).uuid(e.eventId()).int8(e.workspaceId()).int8(e.linkId()).int8(e.affiliateId())
                    .int8(e.campaignId()).text(e.ref()).text(e.visitorId()).text(r.canonicalVisitorId())
                    .text(e.matchMethod().wire()).float4((float) e.matchConfidence()).text(e.fingerprint())
                    .text(e.url()).text(e.referrer()).text(r.classification().wire()).int8(e.keyId())
                    .text(e.idempotencyKey()).timestamptz(receivedAt.get(e.eventId()));
        }
        handle.execute(STAGING);
        try {
            handle.getConnection().unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(COPY, new ByteArrayInputStream(copy.finish()));
        } catch (SQLException | IOException e) {
            throw new UnableToExecuteStatementException("COPY into clicks_incoming failed", e, null);
        }
        if (rows.stream().anyMatch(r -> r.event().idempotencyKey() != null)) {
            handle.execute(CLAIM_KEYED);
        }
        return handle.createQuery(sql).mapTo(String.class).list();
    }
}
