package dev.affixo.ingest.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.config.IngestProperties;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * One resilience4j {@link RateLimiter} per API key: {@code rate_limit_per_minute} permits per fixed
 * one-minute window that starts at the key's first request, never waiting for a permit (a request
 * over the limit is answered 429 at once). Rejected requests take no permit, so exactly the limit
 * is accepted per window however hard a client pushes.
 *
 * <p>The map of limiters is bounded; an entry idle for two windows may be evicted, which loses nothing
 * because its window has expired by then anyway.
 */
@Component
public class KeyRateLimiters {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private final Cache<Long, KeyLimiter> limiters;

    public KeyRateLimiters(IngestProperties properties) {
        this.limiters = Caffeine.newBuilder()
                .maximumSize(properties.rateLimiterMaxKeys())
                .expireAfterAccess(WINDOW.multipliedBy(2))
                .build();
    }

    public RateLimitDecision tryAcquire(ApiKey key) {
        return tryAcquire(key, 1);
    }

    /**
     * Takes {@code permits} at once or none at all: a batch of N clicks needs N left in the key's window, and
     * a refused batch leaves the window as it was (a smaller batch may still fit).
     */
    public RateLimitDecision tryAcquire(ApiKey key, int permits) {
        KeyLimiter limiter = limiters.get(key.id(), id -> new KeyLimiter(key.rateLimitPerMinute()));
        if (limiter.limit != key.rateLimitPerMinute()) {
            // The key's limit was changed in PostgreSQL; takes effect from the next window.
            limiter.limiter.changeLimitForPeriod(key.rateLimitPerMinute());
            limiter.limit = key.rateLimitPerMinute();
        }
        return limiter.tryAcquire(permits);
    }

    private static final class KeyLimiter {
        private final RateLimiter limiter;
        /** Close to the limiter's own start (its windows are counted from construction). */
        private final long startNanos;
        private volatile int limit;

        KeyLimiter(int limit) {
            this.limit = limit;
            this.startNanos = System.nanoTime();
            this.limiter = RateLimiter.of("key", RateLimiterConfig.custom()
                    .limitForPeriod(limit)
                    .limitRefreshPeriod(WINDOW)
                    .timeoutDuration(Duration.ZERO)
                    .build());
        }

        RateLimitDecision tryAcquire(int permits) {
            // More than a whole window holds can never be granted; resilience4j is not asked about it.
            boolean allowed = permits <= limit && limiter.acquirePermission(permits);
            int remaining = Math.max(0, limiter.getMetrics().getAvailablePermissions());
            long windowNanos = WINDOW.toNanos();
            long intoWindow = Math.floorMod(System.nanoTime() - startNanos, windowNanos);
            long resetSeconds = Math.max(1, (windowNanos - intoWindow + 999_999_999L) / 1_000_000_000L);
            return new RateLimitDecision(allowed, limit, remaining, resetSeconds, WINDOW.toSeconds());
        }
    }
}
