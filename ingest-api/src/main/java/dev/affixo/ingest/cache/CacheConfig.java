package dev.affixo.ingest.cache;

import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.auth.ApiKeyRepository;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.links.Link;
import dev.affixo.ingest.links.LinkRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class CacheConfig {

    /** Backstop only: changes reach cached rows through {@link CacheRefresher} within a second or two. */
    private static final Duration POSITIVE_TTL = Duration.ofMinutes(10);

    @Bean
    Jdbi jdbi(DataSource dataSource) {
        return Jdbi.create(dataSource);
    }

    /** Keyed by the hex SHA-256 of the token. */
    @Bean
    LookupCache<String, ApiKey> apiKeyCache(IngestProperties p, DbLookupExecutor executor, ApiKeyRepository keys,
                                            MeterRegistry registry) {
        LookupCache<String, ApiKey> cache =
                new LookupCache<>(p.keyCacheMaxEntries(), POSITIVE_TTL, p.negativeCacheTtl(), executor, keys::findByHash);
        cache.bindMetrics(registry, "api_keys");
        return cache;
    }

    /** Keyed by {@link Link#cacheKey(long, String)}. */
    @Bean
    LookupCache<String, Link> linkCache(IngestProperties p, DbLookupExecutor executor, LinkRepository links,
                                        MeterRegistry registry) {
        LookupCache<String, Link> cache =
                new LookupCache<>(p.linkCacheMaxEntries(), POSITIVE_TTL, p.negativeCacheTtl(), executor, key -> {
                    int colon = key.indexOf(':');
                    return links.find(Long.parseLong(key.substring(0, colon)), key.substring(colon + 1));
                });
        cache.bindMetrics(registry, "links");
        return cache;
    }
}
