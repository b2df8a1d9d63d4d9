package dev.affixo.ingest.auth;

import dev.affixo.common.keys.KeyKind;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.springframework.stereotype.Repository;

/** All SQL the ingest API runs against {@code api_keys}. Read-only: keys are managed by the admin CLI. */
@Repository
public class ApiKeyRepository {

    private static final String COLUMNS = "encode(key_hash, 'hex') as hash, id, workspace_id, kind, scopes, "
            + "rate_limit_per_minute, expires_at, revoked_at";

    private final Jdbi jdbi;

    public ApiKeyRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A key by the hex SHA-256 of its token. Blocking: call only from the lookup executor. */
    public Optional<ApiKey> findByHash(String hexHash) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from api_keys where key_hash = decode(:hash, 'hex')")
                .bind("hash", hexHash)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    /** Keys changed (created, revoked, re-scoped) after {@code since}. */
    public List<HashedKey> changedSince(Handle handle, Instant since) {
        return handle.createQuery("select " + COLUMNS + " from api_keys where updated_at > :since")
                .bind("since", since)
                .map(ApiKeyRepository::mapHashed)
                .list();
    }

    /** Usable keys, newest first, to warm the cache at start. */
    public List<HashedKey> usable(Handle handle, int limit) {
        return handle.createQuery("select " + COLUMNS + " from api_keys where revoked_at is null "
                        + "and (expires_at is null or expires_at > now()) order by id desc limit :limit")
                .bind("limit", limit)
                .map(ApiKeyRepository::mapHashed)
                .list();
    }

    /** A key with the hash it is cached under. */
    public record HashedKey(String hash, ApiKey key) {
    }

    private static HashedKey mapHashed(ResultSet rs, StatementContext ctx) throws SQLException {
        return new HashedKey(rs.getString("hash"), map(rs));
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        Array scopes = rs.getArray("scopes");
        return new ApiKey(
                rs.getLong("id"),
                rs.getLong("workspace_id"),
                KeyKind.fromDb(rs.getString("kind")),
                Set.copyOf(Arrays.asList((String[]) scopes.getArray())),
                rs.getInt("rate_limit_per_minute"),
                instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
