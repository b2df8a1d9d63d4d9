package dev.affixo.ingest.links;

import dev.affixo.ingest.cache.ChangeFeed;
import dev.affixo.ingest.cache.DbLookupExecutor;
import dev.affixo.ingest.cache.LookupCache;
import dev.affixo.ingest.config.IngestProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.springframework.stereotype.Component;

/** Links by (workspace, ref), active or not, kept fresh from {@code links}. */
@Component
public class LinkCache implements ChangeFeed {

    private final LookupCache<LinkKey, Link> cache;
    private final LinkRepository links;
    private final int maxEntries;

    LinkCache(IngestProperties properties, DbLookupExecutor executor, LinkRepository links, MeterRegistry registry) {
        this.cache = new LookupCache<>(properties.linkCacheMaxEntries(), LookupCache.BACKSTOP_TTL,
                properties.negativeCacheTtl(), executor, key -> links.find(key.workspaceId(), key.ref()));
        this.cache.bindMetrics(registry, name());
        this.links = links;
        this.maxEntries = properties.linkCacheMaxEntries();
    }

    /**
     * The link with {@code ref} in {@code workspaceId}, active or not; completes at once when cached, a miss
     * is loaded off the event loop. Another workspace's ref is simply another key: never found here.
     */
    public CompletableFuture<Optional<Link>> find(long workspaceId, String ref) {
        return cache.get(new LinkKey(workspaceId, ref));
    }

    @Override
    public String name() {
        return "links";
    }

    @Override
    public int warm(Handle handle) {
        int n = 0;
        for (Link link : links.active(handle, maxEntries)) {
            cache.put(link.key(), link);
            n++;
        }
        return n;
    }

    @Override
    public void applyChangedSince(Handle handle, Instant since) {
        for (Link link : links.changedSince(handle, since)) {
            cache.replaceIfCached(link.key(), Optional.of(link));
        }
    }
}
