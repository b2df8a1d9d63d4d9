package dev.affixo.admin.keys;

import dev.affixo.common.keys.KeyKind;
import dev.affixo.common.keys.ApiKeyToken;
import dev.affixo.admin.AdminException;
import dev.affixo.admin.Database;
import dev.affixo.admin.Exists;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/** SQL for {@code api_keys}. */
public final class Keys {

    private final Database db;

    public Keys(Database db) {
        this.db = db;
    }

    /** Validates, stores only the hash, and returns the token — the one time it is available. */
    public CreatedKey create(NewKey spec) {
        List<String> scopes = validScopes(spec.scopes());
        if (spec.rateLimitPerMinute() <= 0) {
            throw new AdminException("--rate-limit must be a positive number of requests per minute");
        }
        if (spec.expiresAt() != null && !spec.expiresAt().isAfter(Instant.now())) {
            throw new AdminException("--expires-at must be in the future");
        }
        if (spec.kind() == KeyKind.AFFILIATE) {
            if (spec.affiliateId() == null) {
                throw new AdminException("--kind affiliate needs --affiliate ID");
            }
            if (scopes.contains("track")) {
                throw new AdminException("affiliate keys cannot have the track scope (only workspace keys record clicks)");
            }
            Exists.affiliate(db, spec.workspaceId(), spec.affiliateId());
        } else {
            if (spec.affiliateId() != null) {
                throw new AdminException("--affiliate is only for --kind affiliate");
            }
            Exists.workspace(db, spec.workspaceId());
        }
        String token = ApiKeyToken.generate(spec.kind());
        OffsetDateTime expires = spec.expiresAt() == null ? null : spec.expiresAt().atOffset(ZoneOffset.UTC);
        long id = db.jdbi().withHandle(h -> h.createQuery("""
                        insert into api_keys (workspace_id, kind, affiliate_id, key_hash, display_prefix, scopes,
                                              rate_limit_per_minute, expires_at)
                        values (:ws, :kind, :aff, :hash, :prefix, :scopes, :limit, :expires)
                        returning id""")
                .bind("ws", spec.workspaceId())
                .bind("kind", spec.kind().dbValue())
                .bind("aff", spec.affiliateId())
                .bind("hash", ApiKeyToken.hashBytes(token))
                .bind("prefix", ApiKeyToken.displayPrefix(token))
                .bind("scopes", scopes.toArray(String[]::new))
                .bind("limit", spec.rateLimitPerMinute())
                .bind("expires", expires)
                .mapTo(Long.class).one());
        return new CreatedKey(id, token);
    }

    public List<KeyRow> list(long workspaceId) {
        Exists.workspace(db, workspaceId);
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select id, display_prefix, kind, affiliate_id, scopes, rate_limit_per_minute,
                               created_at, expires_at, revoked_at
                        from api_keys where workspace_id = :ws order by id""")
                .bind("ws", workspaceId)
                .map((rs, ctx) -> new KeyRow(rs.getLong("id"), rs.getString("display_prefix"), rs.getString("kind"),
                        rs.getObject("affiliate_id", Long.class), strings(rs.getArray("scopes")),
                        rs.getInt("rate_limit_per_minute"), rs.getObject("created_at", OffsetDateTime.class),
                        rs.getObject("expires_at", OffsetDateTime.class),
                        rs.getObject("revoked_at", OffsetDateTime.class)))
                .list());
    }

    /**
     * Revokes the key (the ingest API stops accepting it within its cache refresh, ≤ 5 s).
     * Revoking an already revoked key keeps the first revocation time.
     */
    public void revoke(long keyId) {
        int updated = db.jdbi().withHandle(h -> h.createUpdate(
                        "update api_keys set revoked_at = coalesce(revoked_at, now()) where id = :id")
                .bind("id", keyId).execute());
        if (updated == 0) {
            throw new AdminException("unknown key " + keyId);
        }
    }

    static List<String> validScopes(List<String> requested) {
        LinkedHashSet<String> scopes = new LinkedHashSet<>();
        for (String s : requested) {
            String scope = s.strip();
            if (!NewKey.SCOPES.contains(scope)) {
                throw new AdminException("unknown scope '" + scope + "' (known: read, write, track, *)");
            }
            scopes.add(scope);
        }
        if (scopes.isEmpty()) {
            throw new AdminException("--scopes needs at least one of read, write, track, *");
        }
        return List.copyOf(scopes);
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
