package dev.affixo.admin.links;

import dev.affixo.admin.AdminException;
import dev.affixo.admin.Database;
import dev.affixo.admin.Exists;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** SQL for {@code links}. A ref never changes: deactivate a link and create a new one instead. */
public final class Links {

    /** The ingest API's limit for {@code ref}, mirrored by the table's check constraint. */
    public static final int MAX_REF_LENGTH = 128;

    private final Database db;

    public Links(Database db) {
        this.db = db;
    }

    public long create(long workspaceId, long affiliateId, Long campaignId, String ref) {
        if (ref == null || ref.isEmpty() || ref.length() > MAX_REF_LENGTH) {
            throw new AdminException("--ref must be 1 to " + MAX_REF_LENGTH + " characters");
        }
        Exists.affiliate(db, workspaceId, affiliateId);
        if (campaignId != null) {
            Exists.campaign(db, workspaceId, campaignId);
        }
        try {
            return db.jdbi().withHandle(h -> h.createQuery("""
                            insert into links (workspace_id, affiliate_id, campaign_id, ref)
                            values (:ws, :aff, :campaign, :ref) returning id""")
                    .bind("ws", workspaceId).bind("aff", affiliateId).bind("campaign", campaignId).bind("ref", ref)
                    .mapTo(Long.class).one());
        } catch (UnableToExecuteStatementException e) {
            if (Database.sqlState(e).filter("23505"::equals).isPresent()) {
                throw new AdminException("ref '" + ref + "' already exists in workspace " + workspaceId
                        + " (refs are never reused, even after deactivation)", e);
            }
            throw e;
        }
    }

    public List<LinkRow> list(long workspaceId) {
        Exists.workspace(db, workspaceId);
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select id, ref, affiliate_id, campaign_id, active, created_at
                        from links where workspace_id = :ws order by id""")
                .bind("ws", workspaceId)
                .map((rs, ctx) -> new LinkRow(rs.getLong("id"), rs.getString("ref"), rs.getLong("affiliate_id"),
                        rs.getObject("campaign_id", Long.class), rs.getBoolean("active"),
                        rs.getObject("created_at", OffsetDateTime.class)))
                .list());
    }

    /** Deactivates the link; the ingest API answers 404 for its ref within 5 s. Idempotent. */
    public void deactivate(long workspaceId, String ref) {
        Exists.workspace(db, workspaceId);
        int updated = db.jdbi().withHandle(h -> h.createUpdate(
                        "update links set active = false where workspace_id = :ws and ref = :ref and active")
                .bind("ws", workspaceId).bind("ref", ref).execute());
        if (updated == 0) {
            boolean exists = db.jdbi().withHandle(h -> h.createQuery(
                            "select exists(select 1 from links where workspace_id = :ws and ref = :ref)")
                    .bind("ws", workspaceId).bind("ref", ref).mapTo(Boolean.class).one());
            if (!exists) {
                throw new AdminException("unknown ref '" + ref + "' in workspace " + workspaceId);
            }
        }
    }
}
