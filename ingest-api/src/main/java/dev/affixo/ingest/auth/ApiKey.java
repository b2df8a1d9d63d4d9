package dev.affixo.ingest.auth;

import dev.affixo.common.keys.KeyKind;
import java.time.Instant;
import java.util.Set;

/** An API key as cached: never the token itself, only what authorising a request needs. */
public record ApiKey(
        long id,
        long workspaceId,
        KeyKind kind,
        Set<String> scopes,
        int rateLimitPerMinute,
        Instant expiresAt,
        Instant revokedAt) {

    /** Usable at {@code nowMillis}: not revoked and not expired. */
    public boolean isActiveAt(long nowMillis) {
        return (revokedAt == null || revokedAt.toEpochMilli() > nowMillis)
                && (expiresAt == null || expiresAt.toEpochMilli() > nowMillis);
    }

    /** Affiliate keys are read-only whatever their stored scopes say. */
    public boolean canTrack() {
        return kind == KeyKind.WORKSPACE && (scopes.contains("track") || scopes.contains("*"));
    }

    /** May change stored data (erase a visitor); affiliate keys never may, whatever their stored scopes say. */
    public boolean canWrite() {
        return kind == KeyKind.WORKSPACE && (scopes.contains("write") || scopes.contains("*"));
    }
}
