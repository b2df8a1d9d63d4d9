package dev.affixo.e2e.roundtrip;

import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** The {@code clicks} rows of one workspace, by event id, with the columns the client sent. */
final class ClickRows {

    private final Jdbi jdbi;

    ClickRows(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Map<String, StoredClick> of(long workspaceId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select event_id::text as event_id, ref, visitor_id, fingerprint, url, referrer, idempotency_key
                        from clicks where workspace_id = :ws""")
                .bind("ws", workspaceId)
                .map((rs, ctx) -> Map.entry(rs.getString("event_id"), new StoredClick(rs.getString("ref"),
                        rs.getString("visitor_id"), rs.getString("fingerprint"), rs.getString("url"),
                        rs.getString("referrer"), rs.getString("idempotency_key"))))
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    long count(long workspaceId) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from clicks where workspace_id = :ws")
                .bind("ws", workspaceId).mapTo(Long.class).one());
    }
}
