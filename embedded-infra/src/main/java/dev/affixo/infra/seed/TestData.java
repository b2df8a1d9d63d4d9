package dev.affixo.infra.seed;

import dev.affixo.common.keys.ApiKeyToken;
import dev.affixo.common.keys.KeyKind;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** Test seeding: workspaces, affiliates, links and keys written straight into PostgreSQL, in the real key format. */
public final class TestData {

    private final Jdbi jdbi;

    public TestData(DataSource dataSource) {
        this.jdbi = Jdbi.create(dataSource);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** A workspace with one affiliate, one campaign and helpers to add links and keys to it. */
    public Workspace workspace() {
        return jdbi.inTransaction(h -> {
            String name = "ws-" + UUID.randomUUID();
            long ws = h.createQuery("insert into workspaces (name) values (:n) returning id").bind("n", name)
                    .mapTo(Long.class).one();
            long affiliate = h.createQuery("insert into affiliates (workspace_id, name) values (:ws, 'jane') returning id")
                    .bind("ws", ws).mapTo(Long.class).one();
            long campaign = h.createQuery("insert into campaigns (workspace_id, name) values (:ws, 'spring') returning id")
                    .bind("ws", ws).mapTo(Long.class).one();
            return new Workspace(ws, affiliate, campaign);
        });
    }

    public final class Workspace {
        public final long id;
        public final long affiliateId;
        public final long campaignId;

        Workspace(long id, long affiliateId, long campaignId) {
            this.id = id;
            this.affiliateId = affiliateId;
            this.campaignId = campaignId;
        }

        /** An active link with a fresh random ref; returns its id. */
        public long link(String ref) {
            return jdbi.withHandle(h -> h.createQuery("""
                            insert into links (workspace_id, affiliate_id, campaign_id, ref)
                            values (:ws, :aff, :camp, :ref) returning id""")
                    .bind("ws", id).bind("aff", affiliateId).bind("camp", campaignId).bind("ref", ref)
                    .mapTo(Long.class).one());
        }

        /** A workspace key with these scopes and limit; returns the plaintext token. */
        public String key(int perMinute, String... scopes) {
            return insertKey(KeyKind.WORKSPACE, null, perMinute, "null", scopes);
        }

        public String expiredKey(String... scopes) {
            return insertKey(KeyKind.WORKSPACE, null, 600, "now() - interval '1 minute'", scopes);
        }

        /** An affiliate key; even a stored {@code track} scope must not let it track. */
        public String affiliateKey(String... scopes) {
            return insertKey(KeyKind.AFFILIATE, affiliateId, 600, "null", scopes);
        }

        public void revoke(String token) {
            jdbi.useHandle(h -> h.createUpdate("update api_keys set revoked_at = now() where key_hash = decode(:h, 'hex')")
                    .bind("h", ApiKeyToken.hash(token)).execute());
        }

        public long keyId(String token) {
            return jdbi.withHandle(h -> h.createQuery("select id from api_keys where key_hash = decode(:h, 'hex')")
                    .bind("h", ApiKeyToken.hash(token)).mapTo(Long.class).one());
        }

        public void deactivate(String ref) {
            jdbi.useHandle(h -> h.createUpdate("update links set active = false where workspace_id = :ws and ref = :ref")
                    .bind("ws", id).bind("ref", ref).execute());
        }

        private String insertKey(KeyKind kind, Long affiliate, int perMinute, String expiresAtSql, String... scopes) {
            String token = ApiKeyToken.generate(kind);
            jdbi.useHandle(h -> h.createUpdate("insert into api_keys (workspace_id, kind, affiliate_id, key_hash, "
                            + "display_prefix, scopes, rate_limit_per_minute, expires_at) values (:ws, :kind, :aff, "
                            + "decode(:hash, 'hex'), :prefix, :scopes, :limit, " + expiresAtSql + ")")
                    .bind("ws", id).bind("kind", kind.dbValue()).bind("aff", affiliate)
                    .bind("hash", ApiKeyToken.hash(token)).bind("prefix", ApiKeyToken.displayPrefix(token))
                    .bind("scopes", scopes).bind("limit", perMinute)
                    .execute());
            return token;
        }
    }
}
