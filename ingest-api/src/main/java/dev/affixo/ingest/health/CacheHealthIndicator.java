package dev.affixo.ingest.health;

import dev.affixo.ingest.cache.CacheRefresher;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Readiness: keys and links are loaded, so the first requests after a deploy are not all cache misses. */
@Component("caches")
class CacheHealthIndicator implements HealthIndicator {

    private final CacheRefresher refresher;

    CacheHealthIndicator(CacheRefresher refresher) {
        this.refresher = refresher;
    }

    @Override
    public Health health() {
        return refresher.isWarm() ? Health.up().build() : Health.outOfService().build();
    }
}
