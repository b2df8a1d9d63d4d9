package dev.affixo.processor.sink;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** SQL for {@code visitors} and {@code visitor_aliases}, one statement per batch each (see {@link SqlColumns}). */
final class VisitorRows {

    /** Seen-times only ever widen, so writing the same sighting twice, or out of order, changes nothing. */
    private static final String TOUCH_VISITORS = """
            insert into visitors (workspace_id, visitor_id, first_seen_at, last_seen_at)
            select workspace_id, visitor_id,
                   timestamptz 'epoch' + first_ms * interval '1 millisecond',
                   timestamptz 'epoch' + last_ms * interval '1 millisecond'
            from unnest(:workspaceIds::int8[], :visitorIds::text[], :firstSeenMillis::int8[], :lastSeenMillis::int8[])
                 as row(workspace_id, visitor_id, first_ms, last_ms)
            on conflict (workspace_id, visitor_id) do update set
                first_seen_at = least(visitors.first_seen_at, excluded.first_seen_at),
                last_seen_at  = greatest(visitors.last_seen_at, excluded.last_seen_at)
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

    /** Records a sighting of every canonical visitor in the clicks: one row per visitor, its seen-times widened. */
    static void touchVisitors(Handle handle, List<ClickRow> clicks) {
        if (clicks.isEmpty()) {
            return;
        }
        Map<String, Sighting> byVisitor = new TreeMap<>(); // sorted: one lock order for every writer
        for (ClickRow row : clicks) {
            Instant at = row.event().receivedAt();
            byVisitor.merge(row.event().workspaceId() + ":" + row.canonicalVisitorId(),
                    new Sighting(row.event().workspaceId(), row.canonicalVisitorId(), at, at), Sighting::widen);
        }
        new SqlColumns<>(handle, TOUCH_VISITORS, List.copyOf(byVisitor.values()))
                .column("workspaceIds", "int8", Sighting::workspaceId)
                .column("visitorIds", "text", Sighting::visitorId)
                .column("firstSeenMillis", "int8", s -> s.first().toEpochMilli())
                .column("lastSeenMillis", "int8", s -> s.last().toEpochMilli())
                .execute();
    }

    static void upsertAliases(Handle handle, Collection<AliasRow> aliases) {
        if (aliases.isEmpty()) {
            return;
        }
        new SqlColumns<>(handle, UPSERT_ALIASES, newestPerFingerprint(aliases))
                .column("workspaceIds", "int8", AliasRow::workspaceId)
                .column("fingerprints", "text", AliasRow::fingerprint)
                .column("visitorIds", "text", AliasRow::visitorId)
                .column("updatedAtMillis", "int8", a -> a.updatedAt().toEpochMilli())
                .execute();
    }

    /**
     * One row per fingerprint (one statement may not update a row twice), the one the upsert's rule would
     * leave if the rows were written one after another: the newest, and of equally new ones the last. Sorted
     * by key: one lock order for every writer.
     */
    private static List<AliasRow> newestPerFingerprint(Collection<AliasRow> aliases) {
        Map<String, AliasRow> newest = new TreeMap<>();
        for (AliasRow alias : aliases) {
            newest.merge(alias.workspaceId() + ":" + alias.fingerprint(), alias,
                    (kept, next) -> next.updatedAt().isBefore(kept.updatedAt()) ? kept : next);
        }
        return List.copyOf(newest.values());
    }

    private record Sighting(long workspaceId, String visitorId, Instant first, Instant last) {

        Sighting widen(Sighting other) {
            return new Sighting(workspaceId, visitorId,
                    first.isBefore(other.first) ? first : other.first,
                    last.isAfter(other.last) ? last : other.last);
        }
    }
}
