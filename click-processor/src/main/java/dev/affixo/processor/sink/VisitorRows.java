package dev.affixo.processor.sink;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** SQL for {@code visitors} and {@code visitor_aliases}. */
final class VisitorRows {

    /** Seen-times only ever widen, so writing the same sighting twice, or out of order, changes nothing. */
    private static final String TOUCH_VISITOR = """
            insert into visitors (workspace_id, visitor_id, first_seen_at, last_seen_at)
            values (:workspaceId, :visitorId, :firstSeen, :lastSeen)
            on conflict (workspace_id, visitor_id) do update set
                first_seen_at = least(visitors.first_seen_at, excluded.first_seen_at),
                last_seen_at  = greatest(visitors.last_seen_at, excluded.last_seen_at)
            """;

    /** The newer cookie click wins, whatever order the writes arrive in. */
    private static final String UPSERT_ALIAS = """
            insert into visitor_aliases (workspace_id, fingerprint, visitor_id, updated_at)
            values (:workspaceId, :fingerprint, :visitorId, :updatedAt)
            on conflict (workspace_id, fingerprint) do update set
                visitor_id = excluded.visitor_id,
                updated_at = excluded.updated_at
            where visitor_aliases.updated_at <= excluded.updated_at
            """;

    private VisitorRows() {
    }

    /** Records a sighting of every canonical visitor in the clicks, one statement per visitor. */
    static void touchVisitors(Handle handle, List<ClickRow> clicks) {
        if (clicks.isEmpty()) {
            return;
        }
        Map<String, Sighting> byVisitor = new TreeMap<>();
        for (ClickRow row : clicks) {
            byVisitor.merge(row.event().workspaceId() + ":" + row.canonicalVisitorId(),
                    new Sighting(row.event().workspaceId(), row.canonicalVisitorId(), row.event().receivedAt(),
                            row.event().receivedAt()),
                    Sighting::widen);
        }
        PreparedBatch batch = handle.prepareBatch(TOUCH_VISITOR);
        for (Sighting s : byVisitor.values()) { // TreeMap: one lock order for every writer
            batch.bind("workspaceId", s.workspaceId())
                    .bind("visitorId", s.visitorId())
                    .bind("firstSeen", utc(s.first()))
                    .bind("lastSeen", utc(s.last()))
                    .add();
        }
        batch.execute();
    }

    static void upsertAliases(Handle handle, Collection<AliasRow> aliases) {
        if (aliases.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(UPSERT_ALIAS);
        aliases.stream()
                .sorted(Comparator.comparingLong(AliasRow::workspaceId).thenComparing(AliasRow::fingerprint))
                .forEach(a -> batch.bind("workspaceId", a.workspaceId())
                        .bind("fingerprint", a.fingerprint())
                        .bind("visitorId", a.visitorId())
                        .bind("updatedAt", utc(a.updatedAt()))
                        .add());
        batch.execute();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private record Sighting(long workspaceId, String visitorId, Instant first, Instant last) {

        Sighting widen(Sighting other) {
            return new Sighting(workspaceId, visitorId,
                    first.isBefore(other.first) ? first : other.first,
                    last.isAfter(other.last) ? last : other.last);
        }
    }
}
