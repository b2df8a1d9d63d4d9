package dev.affixo.ingest.auth;

import dev.affixo.ingest.auth.ApiKeyRepository.HashedKey;
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

/** API keys by the hex SHA-256 of their token — never the token itself — kept fresh from {@code api_keys}. */
@Component
class ApiKeyCache implements ChangeFeed {

    private final LookupCache<String, ApiKey> cache;
    private final ApiKeyRepository keys;
    private final int maxEntries;

    ApiKeyCache(IngestProperties properties, DbLookupExecutor executor, ApiKeyRepository keys, MeterRegistry registry) {
        this.cache = new LookupCache<>(properties.keyCacheMaxEntries(), LookupCache.BACKSTOP_TTL,
                properties.negativeCacheTtl(), executor, keys::findByHash);
        this.cache.bindMetrics(registry, name());
        this.keys = keys;
        this.maxEntries = properties.keyCacheMaxEntries();
    }

    /** Completes at once when cached; a miss is loaded off the event loop. */
    CompletableFuture<Optional<ApiKey>> find(String tokenHash) {
        return cache.get(tokenHash);
    }

    @Override
    public String name() {
        return "api_keys";
    }

    @Override
    public int warm(Handle handle) {
        int n = 0;
        for (HashedKey k : keys.usable(handle, maxEntries)) {
            cache.put(k.hash(), k.key());
            n++;
        }
        return n;
    }

    @Override
    public void applyChangedSince(Handle handle, Instant since) {
        for (HashedKey k : keys.changedSince(handle, since)) {
            cache.replaceIfCached(k.hash(), Optional.of(k.key()));
        }
    }
}
