package dev.affixo.ingest.idempotency;

import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Repository;

/** All SQL the ingest API runs against {@code idempotency_keys}. Blocking: call only from the lookup executor. */
@Repository
public class IdempotencyKeys {

    /**
     * Claims each key for its body in one round trip and returns the body each is bound to. A binding older than
     * the retention counts as gone and is taken over. Conflicting claims of one key from several instances
     * serialise on the row, so exactly one body wins. The keys of one statement must be distinct (PostgreSQL
     * refuses to update one row twice in a statement); rows are claimed in the order given, so callers pass
     * them sorted and two overlapping batches lock their rows in the same order, never in a deadlock.
     */
    private static final String CLAIM = """
            insert into idempotency_keys as k (workspace_id, idempotency_key, request_digest)
            select :ws, c.key, decode(c.digest, 'hex')
            from unnest(cast(:keys as text[]), cast(:digests as text[])) with ordinality as c(key, digest, n)
            order by c.n
            on conflict (workspace_id, idempotency_key) do update set
                request_digest = case when k.created_at < now() - :retentionSeconds * interval '1 second'
                                      then excluded.request_digest else k.request_digest end,
                created_at     = case when k.created_at < now() - :retentionSeconds * interval '1 second'
                                      then excluded.created_at else k.created_at end
            returning idempotency_key, request_digest, xmax = 0 as inserted
            """;

    /** A bounded slice per statement, so a purge never holds many row locks or one long transaction. */
    private static final String PURGE_SLICE = """
            delete from idempotency_keys
            where ctid = any (array(select ctid from idempotency_keys
                                    where created_at < now() - :retentionSeconds * interval '1 second'
                                    limit :limit))
            """;

    private final Jdbi jdbi;

    public IdempotencyKeys(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** What a claim found: the digest the key is bound to now, and whether this call made the binding. */
    public record Binding(byte[] requestDigest, boolean createdNow) {
    }

    /**
     * Claims every key for the digest at the same position, in one statement.
     *
     * @param idempotencyKeys distinct keys, in the order their rows are to be locked (sorted, see {@link #CLAIM})
     * @return the binding of every key
     */
    public Map<String, Binding> claimAll(long workspaceId, List<String> idempotencyKeys, List<byte[]> requestDigests,
                                         Duration retention) {
        HexFormat hex = HexFormat.of();
        String[] digests = new String[requestDigests.size()];
        for (int i = 0; i < digests.length; i++) {
            digests[i] = hex.formatHex(requestDigests.get(i));
        }
        return jdbi.withHandle(h -> {
            Map<String, Binding> bindings = new HashMap<>(idempotencyKeys.size() * 2);
            h.createQuery(CLAIM)
                    .bind("ws", workspaceId)
                    .bindArray("keys", String.class, idempotencyKeys)
                    .bindArray("digests", String.class, (Object[]) digests)
                    .bind("retentionSeconds", retention.toSeconds())
                    .map((rs, ctx) -> Map.entry(rs.getString("idempotency_key"),
                            new Binding(rs.getBytes("request_digest"), rs.getBoolean("inserted"))))
                    .forEach(e -> bindings.put(e.getKey(), e.getValue()));
            return bindings;
        });
    }

    /** Deletes at most {@code limit} expired bindings; returns how many. */
    public int purgeExpired(Duration retention, int limit) {
        return jdbi.withHandle(h -> h.createUpdate(PURGE_SLICE)
                .bind("retentionSeconds", retention.toSeconds())
                .bind("limit", limit)
                .execute());
    }
}
