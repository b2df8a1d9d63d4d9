package dev.affixo.admin.keys;

import dev.affixo.common.keys.KeyKind;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a key is created with.
 *
 * @param affiliateId required for (and only for) {@link KeyKind#AFFILIATE} keys
 * @param expiresAt   null = never
 */
public record NewKey(long workspaceId, KeyKind kind, Long affiliateId, List<String> scopes,
                     int rateLimitPerMinute, Instant expiresAt) {

    /** The scopes the ingest API (and later APIs) understand. */
    public static final Set<String> SCOPES = Set.of("read", "write", "track", "*");
    public static final int DEFAULT_RATE_LIMIT = 600;

    public static NewKey workspace(long workspaceId, String... scopes) {
        return new NewKey(workspaceId, KeyKind.WORKSPACE, null, List.of(scopes), DEFAULT_RATE_LIMIT, null);
    }

    public static NewKey affiliate(long workspaceId, long affiliateId, String... scopes) {
        return new NewKey(workspaceId, KeyKind.AFFILIATE, affiliateId, List.of(scopes), DEFAULT_RATE_LIMIT, null);
    }
}
