package dev.affixo.admin.demo;

import dev.affixo.admin.Database;
import dev.affixo.admin.affiliates.Affiliates;
import dev.affixo.admin.campaigns.Campaigns;
import dev.affixo.admin.keys.Keys;
import dev.affixo.admin.keys.NewKey;
import dev.affixo.admin.links.Links;
import dev.affixo.admin.workspaces.Workspaces;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A demo workspace with one key per role, a handful of refs, and a second workspace whose ref the
 * demo keys must not see. Used by the local launcher on first start and by {@code affixo-admin demo seed}
 * (the docker-compose seed service), through the same code paths as the individual commands.
 */
public final class DemoSeed {

    public static final String WORKSPACE_NAME = "demo";
    public static final String OTHER_WORKSPACE_NAME = "demo-other";
    public static final List<String> REFS = List.of("jane", "john", "ana", "li", "omar", "spring-sale");
    public static final String INACTIVE_REF = "retired";
    public static final String OTHER_WORKSPACE_REF = "other-only";

    private final Database db;

    public DemoSeed(Database db) {
        this.db = db;
    }

    /** The id of the demo workspace, if one was seeded before. */
    public Optional<Long> existingWorkspace() {
        return db.jdbi().withHandle(h -> h.createQuery("select min(id) from workspaces where name = :n")
                .bind("n", WORKSPACE_NAME).mapTo(Long.class).findOne());
    }

    public DemoData seed() {
        Workspaces workspaces = new Workspaces(db);
        Affiliates affiliates = new Affiliates(db);
        Keys keys = new Keys(db);
        Links links = new Links(db);

        long ws = workspaces.create(WORKSPACE_NAME);
        long jane = affiliates.create(ws, "Jane Doe");
        long campaign = new Campaigns(db).create(ws, "spring");
        for (String ref : REFS) {
            links.create(ws, jane, ref.equals("spring-sale") ? campaign : null, ref);
        }
        links.create(ws, jane, null, INACTIVE_REF);
        links.deactivate(ws, INACTIVE_REF);

        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("track", keys.create(NewKey.workspace(ws, "track")).token());
        tokens.put("star", keys.create(NewKey.workspace(ws, "*")).token());
        tokens.put("read", keys.create(NewKey.workspace(ws, "read")).token());
        tokens.put("affiliate", keys.create(NewKey.affiliate(ws, jane, "read")).token());
        var revoked = keys.create(NewKey.workspace(ws, "track"));
        keys.revoke(revoked.id());
        tokens.put("revoked", revoked.token());
        tokens.put("ratelimit", keys.create(NewKey.workspace(ws, "track")).token());

        long other = workspaces.create(OTHER_WORKSPACE_NAME);
        long otherAffiliate = affiliates.create(other, "Other Affiliate");
        links.create(other, otherAffiliate, null, OTHER_WORKSPACE_REF);

        return new DemoData(ws, other, java.util.Collections.unmodifiableMap(tokens), REFS, INACTIVE_REF, OTHER_WORKSPACE_REF);
    }
}
