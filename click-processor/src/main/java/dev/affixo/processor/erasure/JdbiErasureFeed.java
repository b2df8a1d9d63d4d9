package dev.affixo.processor.erasure;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** {@link ErasureFeed} from PostgreSQL: completed erasures joined to their identities (index on completed_at). */
public final class JdbiErasureFeed implements ErasureFeed {

    private static final String COMPLETED_SINCE = """
            select v.erasure_id, v.requested_at, v.completed_at, i.workspace_id, encode(i.identity_hash, 'hex') as hash
            from visitor_erasures v
            join erased_identities i on i.erasure_id = v.erasure_id
            where v.completed_at >= :since
            """;

    private final Jdbi jdbi;

    public JdbiErasureFeed(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<Erased> completedSince(Instant since) {
        return jdbi.withHandle(h -> h.createQuery(COMPLETED_SINCE)
                .bind("since", Timestamp.from(since))
                .map((rs, ctx) -> new Erased(rs.getObject("erasure_id", UUID.class),
                        rs.getTimestamp("requested_at").toInstant(), rs.getTimestamp("completed_at").toInstant(), rs.getLong("workspace_id"), rs.getString("hash")))
                .list());
    }
}
