package dev.affixo.admin.campaigns;

import dev.affixo.admin.AdminException;
import dev.affixo.admin.Database;
import dev.affixo.admin.Exists;

/** SQL for {@code campaigns}. */
public final class Campaigns {

    private final Database db;

    public Campaigns(Database db) {
        this.db = db;
    }

    public long create(long workspaceId, String name) {
        if (name == null || name.isBlank()) {
            throw new AdminException("--name must not be blank");
        }
        Exists.workspace(db, workspaceId);
        return db.jdbi().withHandle(h -> h.createQuery(
                        "insert into campaigns (workspace_id, name) values (:ws, :name) returning id")
                .bind("ws", workspaceId).bind("name", name.strip()).mapTo(Long.class).one());
    }
}
