package dev.affixo.ingest.idempotency;

import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Repository;

/** All SQL the ingest API runs against {@code idempotency_keys}. Blocking: call only from the lookup executor. */
@Repository
public class IdempotencyKeys {

    /**
     * Claims the key for this body in one round trip and returns the body it is bound to. A binding older than
     * the retention counts as gone and is taken over. Conflicting claims of one key from several instances
     * serialise on the row, so exactly one body wins.
     */
    private static final String CLAIM = """
            insert into idempotency_keys as k (workspace_id, idempotency_key, request_digest)
            values (:ws, :key, :digest)
            on conflict (workspace_id, idempotency_key) do update set
                request_digest = case when k.created_at < now() - :retentionSeconds * interval '1 second'
                                      then excluded.request_digest else k.request_digest end,
                created_at     = case when k.created_at < now() - :retentionSeconds * interval '1 second'
                                      then excluded.created_at else k.created_at end
            returning request_digest, xmax = 0 as inserted
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

    public Binding claim(long workspaceId, String idempotencyKey, byte[] requestDigest, Duration retention) {
        return jdbi.withHandle(h -> h.createQuery(CLAIM)
                .bind("ws", workspaceId)
                .bind("key", idempotencyKey)
                .bind("digest", requestDigest)
                .bind("retentionSeconds", retention.toSeconds())
                .map((rs, ctx) -> new Binding(rs.getBytes("request_digest"), rs.getBoolean("inserted")))
                .one());
    }

    /** Deletes at most {@code limit} expired bindings; returns how many. */
    public int purgeExpired(Duration retention, int limit) {
        return jdbi.withHandle(h -> h.createUpdate(PURGE_SLICE)
                .bind("retentionSeconds", retention.toSeconds())
                .bind("limit", limit)
                .execute());
    }
}
