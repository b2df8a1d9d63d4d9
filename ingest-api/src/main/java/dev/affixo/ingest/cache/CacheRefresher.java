package dev.affixo.ingest.cache;

import dev.affixo.ingest.config.IngestProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps every cache that is a {@link ChangeFeed} (API keys, links) in step with PostgreSQL, so a revoked
 * key or a deactivated link stops working within {@code cacheRefreshInterval} plus one query on every
 * instance, without a restart.
 *
 * <p>Every interval it asks each feed for rows whose {@code updated_at} (set by trigger) is newer than the
 * previous poll, minus an overlap: a transaction that updated a row just before the previous poll but
 * committed after it carries an {@code updated_at} slightly in the past, and the overlap still catches it.
 * Polling was chosen over LISTEN/NOTIFY because it needs no dedicated connection and cannot silently miss an
 * event across a reconnect; its cost is one indexed query per table per second.
 *
 * <p>At start it also warms every feed (up to the cache bounds), so the first requests after a deploy do
 * not all miss.
 */
@Component
public class CacheRefresher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CacheRefresher.class);
    private static final Duration OVERLAP = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final List<ChangeFeed> feeds;
    private final Duration interval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cache-refresher");
        t.setDaemon(true);
        return t;
    });

    private volatile Instant lastPoll;
    private volatile boolean warm;
    private volatile boolean running;

    public CacheRefresher(Jdbi jdbi, List<ChangeFeed> feeds, IngestProperties properties) {
        this.jdbi = jdbi;
        this.feeds = List.copyOf(feeds);
        this.interval = properties.cacheRefreshInterval();
    }

    @Override
    public void start() {
        warm();
        long every = interval.toMillis();
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

    /** True once every cache holds its usable rows; readiness waits for it. */
    public boolean isWarm() {
        return warm;
    }

    private void warm() {
        try {
            String counts = jdbi.withHandle(h -> {
                lastPoll = dbNow(h);
                return feeds.stream().map(feed -> feed.name() + "=" + feed.warm(h)).collect(Collectors.joining(", "));
            });
            warm = true;
            log.info("caches warm: {}", counts);
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
            for (ChangeFeed feed : feeds) {
                feed.applyChangedSince(h, since);
            }
            lastPoll = now;
        });
    }

    private static Instant dbNow(Handle h) {
        return h.createQuery("select now()").mapTo(Instant.class).one();
    }
}
