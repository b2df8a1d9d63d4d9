package dev.affixo.admin.workspaces;

import dev.affixo.admin.AdminException;
import dev.affixo.admin.Database;

/** SQL for {@code workspaces}. */
public final class Workspaces {

    private final Database db;

    public Workspaces(Database db) {
        this.db = db;
    }

    public long create(String name) {
        requireName(name);
        return db.jdbi().withHandle(h -> h.createQuery("insert into workspaces (name) values (:name) returning id")
                .bind("name", name.strip()).mapTo(Long.class).one());
    }

    static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new AdminException("--name must not be blank");
        }
    }
}
