package dev.affixo.ingest.links;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.springframework.stereotype.Repository;

/** All SQL the ingest API runs against {@code links}. Read-only: links are managed by the admin CLI. */
@Repository
public class LinkRepository {

    private static final String COLUMNS = "id, workspace_id, affiliate_id, campaign_id, ref, active";

    private final Jdbi jdbi;

    public LinkRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The link with this ref in this workspace, active or not. Blocking: call only from the lookup executor. */
    public Optional<Link> find(long workspaceId, String ref) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from links where workspace_id = :ws and ref = :ref")
                .bind("ws", workspaceId)
                .bind("ref", ref)
                .map(LinkRepository::map)
                .findOne());
    }

    /** Links created, activated or deactivated after {@code since}. */
    public List<Link> changedSince(Handle handle, Instant since) {
        return handle.createQuery("select " + COLUMNS + " from links where updated_at > :since")
                .bind("since", since)
                .map(LinkRepository::map)
                .list();
    }

    /** Active links, newest first, to warm the cache at start. */
    public List<Link> active(Handle handle, int limit) {
        return handle.createQuery("select " + COLUMNS + " from links where active order by id desc limit :limit")
                .bind("limit", limit)
                .map(LinkRepository::map)
                .list();
    }

    private static Link map(ResultSet rs, StatementContext ctx) throws SQLException {
        long campaign = rs.getLong("campaign_id");
        return new Link(
                rs.getLong("id"),
                rs.getLong("workspace_id"),
                rs.getLong("affiliate_id"),
                rs.wasNull() ? null : campaign,
                rs.getString("ref"),
                rs.getBoolean("active"));
    }
}
