package dev.affixo.admin;

/** Existence checks shared by commands, so an unknown id reads as such, not as a constraint name. */
public final class Exists {

    private Exists() {
    }

    public static void workspace(Database db, long workspaceId) {
        if (!db.jdbi().withHandle(h -> h.createQuery("select exists(select 1 from workspaces where id = :id)")
                .bind("id", workspaceId).mapTo(Boolean.class).one())) {
            throw new AdminException("unknown workspace " + workspaceId);
        }
    }

    public static void affiliate(Database db, long workspaceId, long affiliateId) {
        workspace(db, workspaceId);
        if (!db.jdbi().withHandle(h -> h.createQuery(
                        "select exists(select 1 from affiliates where id = :id and workspace_id = :ws)")
                .bind("id", affiliateId).bind("ws", workspaceId).mapTo(Boolean.class).one())) {
            throw new AdminException("unknown affiliate " + affiliateId + " in workspace " + workspaceId);
        }
    }

    public static void campaign(Database db, long workspaceId, long campaignId) {
        workspace(db, workspaceId);
        if (!db.jdbi().withHandle(h -> h.createQuery(
                        "select exists(select 1 from campaigns where id = :id and workspace_id = :ws)")
                .bind("id", campaignId).bind("ws", workspaceId).mapTo(Boolean.class).one())) {
            throw new AdminException("unknown campaign " + campaignId + " in workspace " + workspaceId);
        }
    }
}
