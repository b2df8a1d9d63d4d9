package dev.affixo.ingest.cache;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * A bounded, asynchronous read-through cache of rows that may or may not exist.
 *
 * <p>Misses are loaded on {@code loadExecutor} (never an event-loop thread); concurrent misses of one
 * key share a single load. "Does not exist" is remembered too, but only for {@code negativeTtl}, so a
 * flood of unknown tokens or refs costs one query per value per TTL, and a row created meanwhile is
 * seen soon. Rows that exist are kept until evicted or replaced by {@link #replaceIfCached}, which each
 * feature's {@link ChangeFeed} calls for every row that changed in PostgreSQL; {@code positiveTtl} is only a
 * backstop should the refresher be unable to reach the database for a long time.
 */
public final class LookupCache<K, V> {

    /** How long a row that exists stays cached: a backstop only, changes arrive through a {@link ChangeFeed}. */
    public static final Duration BACKSTOP_TTL = Duration.ofMinutes(10);

    private final AsyncLoadingCache<K, Optional<V>> cache;

    public LookupCache(long maxEntries, Duration positiveTtl, Duration negativeTtl,
                       Executor loadExecutor, Function<K, Optional<V>> loader) {
        // Loads go to loadExecutor explicitly; Caffeine's own maintenance stays on its default pool, so a
        // full load queue fails only the loads (as a failed future: 503), never the cache's housekeeping.
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .recordStats()
                .expireAfter(new PositiveNegativeExpiry<K, V>(positiveTtl.toNanos(), negativeTtl.toNanos()))
                .buildAsync((key, ignored) -> load(key, loader, loadExecutor));
    }

    private static <K, V> CompletableFuture<Optional<V>> load(K key, Function<K, Optional<V>> loader, Executor executor) {
        try {
            return CompletableFuture.supplyAsync(() -> loader.apply(key), executor);
        } catch (RejectedExecutionException full) {
            return CompletableFuture.failedFuture(full);
        }
    }

    /** Completes at once when cached; otherwise when the load on the executor finishes (or fails). */
    public CompletableFuture<Optional<V>> get(K key) {
        return cache.get(key);
    }

    /** Puts a fresh value (or absence) for a key that is already cached; keys nobody asked for are not added. */
    public void replaceIfCached(K key, Optional<V> fresh) {
        // containsKey, not getIfPresent: the refresher's checks must not count as hits in the cache metrics.
        if (cache.asMap().containsKey(key)) {
            cache.put(key, CompletableFuture.completedFuture(fresh));
        }
    }

    /** Adds a value regardless, used to warm the cache at start. */
    public void put(K key, V value) {
        cache.put(key, CompletableFuture.completedFuture(Optional.of(value)));
    }

    /** Hit ratio, size, loads and evictions as {@code cache_*{cache=name}} (Micrometer's Caffeine binder). */
    public void bindMetrics(MeterRegistry registry, String name) {
        CaffeineCacheMetrics.monitor(registry, cache, name);
    }

    public long estimatedSize() {
        return cache.synchronous().estimatedSize();
    }

    private record PositiveNegativeExpiry<K, V>(long positiveNanos, long negativeNanos)
            implements Expiry<K, Optional<V>> {

        @Override
        public long expireAfterCreate(K key, Optional<V> value, long currentTime) {
            return value.isPresent() ? positiveNanos : negativeNanos;
        }

        @Override
        public long expireAfterUpdate(K key, Optional<V> value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(K key, Optional<V> value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
