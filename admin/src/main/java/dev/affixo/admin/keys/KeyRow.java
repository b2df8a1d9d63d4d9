package dev.affixo.admin.keys;

import java.time.OffsetDateTime;
import java.util.List;

/** A key as listings show it: never the token or its hash. */
public record KeyRow(long id, String displayPrefix, String kind, Long affiliateId, List<String> scopes,
                     int rateLimitPerMinute, OffsetDateTime createdAt, OffsetDateTime expiresAt,
                     OffsetDateTime revokedAt) {
}
