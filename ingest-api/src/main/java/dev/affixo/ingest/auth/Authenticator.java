package dev.affixo.ingest.auth;

import dev.affixo.common.keys.ApiKeyToken;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Checks 1 and 2 of the contract: a usable key in {@code Authorization: Bearer <token>} (else 401),
 * allowed to track (else 403). A token that fails the format or checksum check is rejected before
 * any cache or database lookup. The same checks guard the erasure endpoint, with {@code write} for {@code track}.
 */
@Component
public class Authenticator {

    private static final String SCHEME = "bearer";

    private final ApiKeyCache keys;

    Authenticator(ApiKeyCache keys) {
        this.keys = keys;
    }

    public Mono<ApiKey> authorizeTracking(String authorizationHeader) {
        return authorize(authorizationHeader, ApiKey::canTrack, ApiError.INSUFFICIENT_SCOPE);
    }

    /** As {@link #authorizeTracking}, for calls that need {@code write} (or {@code *}). */
    public Mono<ApiKey> authorizeWriting(String authorizationHeader) {
        return authorize(authorizationHeader, ApiKey::canWrite, ApiError.INSUFFICIENT_WRITE_SCOPE);
    }

    /**
     * The key named by {@code Authorization: Bearer <token>}, as the cache has it (completes at once when cached),
     * for {@link #requireTracking} to judge; the single-click path uses this pair instead of a {@link Mono}.
     *
     * @throws ApiException {@code unauthorized} at once when the header holds no well-formed token
     */
    public CompletableFuture<Optional<ApiKey>> find(String authorizationHeader) {
        String token = bearerToken(authorizationHeader);
        if (token == null || ApiKeyToken.kindOf(token) == null) {
            throw ApiException.of(ApiError.UNAUTHORIZED);
        }
        return keys.find(ApiKeyToken.hash(token));
    }

    /** @throws ApiException 401 unless the key exists and is active now, 403 unless it may track */
    public ApiKey requireTracking(Optional<ApiKey> found) {
        return checkUsable(found, System.currentTimeMillis(), ApiKey::canTrack, ApiError.INSUFFICIENT_SCOPE);
    }

    private Mono<ApiKey> authorize(String authorizationHeader, Predicate<ApiKey> allowed, ApiError insufficient) {
        CompletableFuture<Optional<ApiKey>> found;
        try {
            found = find(authorizationHeader);
        } catch (ApiException unauthorized) {
            return Mono.error(unauthorized);
        }
        // suppressCancel: the future is shared by every request waiting on this key.
        return Mono.fromFuture(found, true)
                .map(key -> checkUsable(key, System.currentTimeMillis(), allowed, insufficient));
    }

    private static ApiKey checkUsable(Optional<ApiKey> found, long nowMillis, Predicate<ApiKey> allowed,
                                      ApiError insufficient) {
        ApiKey key = found.filter(k -> k.isActiveAt(nowMillis))
                .orElseThrow(() -> ApiException.of(ApiError.UNAUTHORIZED));
        if (!allowed.test(key)) {
            throw ApiException.of(insufficient);
        }
        return key;
    }

    /** The token of {@code Bearer <token>}; the scheme is case-insensitive (RFC 7235). */
    static String bearerToken(String header) {
        if (header == null || header.length() <= SCHEME.length() + 1
                || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || header.charAt(SCHEME.length()) != ' ') {
            return null;
        }
        String token = header.substring(SCHEME.length() + 1).strip();
        return token.isEmpty() ? null : token;
    }
}
