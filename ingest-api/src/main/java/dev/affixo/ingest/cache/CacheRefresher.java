package dev.affixo.ingest.cache;

import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.auth.ApiKeyRepository;
import dev.affixo.ingest.auth.ApiKeyRepository.HashedKey;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.links.Link;
import dev.affixo.ingest.links.LinkRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the key and link caches in step with PostgreSQL, so a revoked key or a deactivated link stops
 * working within {@code cacheRefreshInterval} plus one query on every instance, without a restart.
 *
 * <p>Every interval it asks for rows whose {@code updated_at} (set by trigger) is newer than the previous
 * poll, minus an overlap: a transaction that updated a row just before the previous poll but committed
 * after it carries an {@code updated_at} slightly in the past, and the overlap still catches it. Polling
 * was chosen over LISTEN/NOTIFY because it needs no dedicated connection and cannot silently miss an
 * event across a reconnect; its cost is one indexed query per table per second.
 *
 * <p>At start it also warms both caches with every usable key and active link (up to the cache bounds),
 * so the first requests after a deploy do not all miss.
 */
@Component
public class CacheRefresher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CacheRefresher.class);
    private static final Duration OVERLAP = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final ApiKeyRepository keys;
    private final LinkRepository links;
    private final LookupCache<String, ApiKey> keyCache;
    private final LookupCache<String, Link> linkCache;
    private final IngestProperties properties;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cache-refresher");
        t.setDaemon(true);
        return t;
    });

    private volatile Instant lastPoll;
    private volatile boolean warm;
    private volatile boolean running;

    public CacheRefresher(Jdbi jdbi, ApiKeyRepository keys, LinkRepository links,
                          LookupCache<String, ApiKey> apiKeyCache, LookupCache<String, Link> linkCache,
                          IngestProperties properties) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.links = links;
        this.keyCache = apiKeyCache;
        this.linkCache = linkCache;
        this.properties = properties;
    }

    @Override
    public void start() {
        warm();
        long every = properties.cacheRefreshInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        scheduler.shutdownNow();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** True once the caches hold every usable key and active link; readiness waits for it. */
    public boolean isWarm() {
        return warm;
    }

    private void warm() {
        try {
            jdbi.useHandle(h -> {
                lastPoll = dbNow(h);
                for (HashedKey k : keys.usable(h, properties.keyCacheMaxEntries())) {
                    keyCache.put(k.hash(), k.key());
                }
                for (Link link : links.active(h, properties.linkCacheMaxEntries())) {
                    linkCache.put(link.cacheKey(), link);
                }
            });
            warm = true;
            log.info("caches warm: {} keys, {} links", keyCache.estimatedSize(), linkCache.estimatedSize());
        } catch (RuntimeException e) {
            // Start anyway: lookups fall back to the database, and the next poll tries again.
            log.warn("could not warm caches: {}", e.toString());
        }
    }

    private void pollSafely() {
        try {
            if (!warm) {
                warm();
                return;
            }
            poll();
        } catch (RuntimeException e) {
            log.warn("cache refresh failed, keeping cached entries: {}", e.toString());
        }
    }

    void poll() {
        jdbi.useHandle(h -> {
            Instant now = dbNow(h);
            Instant since = lastPoll.minus(OVERLAP);
            for (HashedKey k : keys.changedSince(h, since)) {
                keyCache.replaceIfCached(k.hash(), Optional.of(k.key()));
            }
            for (Link link : links.changedSince(h, since)) {
                linkCache.replaceIfCached(link.cacheKey(), Optional.of(link));
            }
            lastPoll = now;
        });
    }

    private static Instant dbNow(org.jdbi.v3.core.Handle h) {
        return h.createQuery("select now()").mapTo(Instant.class).one();
    }
}
