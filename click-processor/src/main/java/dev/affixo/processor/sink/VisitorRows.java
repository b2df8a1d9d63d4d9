package dev.affixo.processor.sink;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** SQL for {@code visitors} and {@code visitor_aliases}, one statement per batch each (see {@link SqlColumns}). */
final class VisitorRows {

    /**
     * A visitor's row is written once and changed only by an older sighting, so writing the same sighting
     * twice, or out of order, changes nothing, and a returning visitor costs an index probe and a row lock
     * (taken even when the {@code where} leaves the row as it is), not a new row version per click. Last
     * activity comes from {@code clicks}: the {@code visitor_activity} view.
     */
    private static final String RECORD_VISITORS = """
            insert into visitors (workspace_id, visitor_id, first_seen_at)
            select workspace_id, visitor_id, timestamptz 'epoch' + first_ms * interval '1 millisecond'
            from unnest(:workspaceIds::int8[], :visitorIds::text[], :firstSeenMillis::int8[])
                 as row(workspace_id, visitor_id, first_ms)
            on conflict (workspace_id, visitor_id) do update set first_seen_at = excluded.first_seen_at
            where visitors.first_seen_at > excluded.first_seen_at
            """;

    /** The newer cookie click wins, whatever order the writes arrive in. */
    private static final String UPSERT_ALIASES = """
            insert into visitor_aliases (workspace_id, fingerprint, visitor_id, updated_at)
            select workspace_id, fingerprint, visitor_id, timestamptz 'epoch' + updated_ms * interval '1 millisecond'
            from unnest(:workspaceIds::int8[], :fingerprints::text[], :visitorIds::text[], :updatedAtMillis::int8[])
                 as row(workspace_id, fingerprint, visitor_id, updated_ms)
            on conflict (workspace_id, fingerprint) do update set
                visitor_id = excluded.visitor_id,
                updated_at = excluded.updated_at
            where visitor_aliases.updated_at <= excluded.updated_at
            """;

    private VisitorRows() {
    }

    /** Records every canonical visitor of the clicks with its earliest sighting: one row per visitor. */
    static void recordVisitors(Handle handle, List<ClickRow> clicks) {
        if (clicks.isEmpty()) {
            return;
        }
        List<FirstSighting> sightings = clicks.stream()
                .map(row -> new FirstSighting(row.event().workspaceId(), row.canonicalVisitorId(),
                        row.event().receivedAt()))
                .toList();
        new SqlColumns<>(handle, RECORD_VISITORS, sightings, s -> s.workspaceId() + ":" + s.visitorId(),
                FirstSighting::earlier)
                .int8("workspaceIds", FirstSighting::workspaceId)
                .text("visitorIds", FirstSighting::visitorId)
                .int8("firstSeenMillis", s -> s.at().toEpochMilli())
                .execute();
    }

    static void upsertAliases(Handle handle, Collection<AliasRow> aliases) {
        if (aliases.isEmpty()) {
            return;
        }
        // Of two aliases for one fingerprint the one the upsert's rule would leave if they were written one
        // after another survives: the newest, and of equally new ones the later.
        new SqlColumns<>(handle, UPSERT_ALIASES, aliases, a -> a.workspaceId() + ":" + a.fingerprint(),
                (kept, next) -> next.updatedAt().isBefore(kept.updatedAt()) ? kept : next)
                .int8("workspaceIds", AliasRow::workspaceId)
                .text("fingerprints", AliasRow::fingerprint)
                .text("visitorIds", AliasRow::visitorId)
                .int8("updatedAtMillis", a -> a.updatedAt().toEpochMilli())
                .execute();
    }

    private record FirstSighting(long workspaceId, String visitorId, Instant at) {

        FirstSighting earlier(FirstSighting other) {
            return other.at.isBefore(at) ? other : this;
        }
    }
}
