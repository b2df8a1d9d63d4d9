package dev.affixo.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RateLimitedSeriesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IngestMetrics metrics = new IngestMetrics(registry);

    private double count(String keyId) {
        Counter counter = registry.find("affixo.ingest.rate_limited").tag("key_id", keyId).counter();
        return counter == null ? -1 : counter.count();
    }

    @Test
    void theFirstKeysGetASeriesEachAndEveryLaterKeyCountsAsOther() {
        for (long key = 1; key <= IngestMetrics.MAX_RATE_LIMITED_SERIES + 50; key++) {
            metrics.rateLimited(key);
            metrics.rateLimited(key);
        }
        // A key with a series keeps counting in it after the bound is reached.
        metrics.rateLimited(1);

        assertThat(registry.find("affixo.ingest.rate_limited").counters())
                .hasSize(IngestMetrics.MAX_RATE_LIMITED_SERIES + 1);
        assertThat(count("1")).isEqualTo(3.0);
        assertThat(count(Long.toString(IngestMetrics.MAX_RATE_LIMITED_SERIES))).isEqualTo(2.0);
        assertThat(count(Long.toString(IngestMetrics.MAX_RATE_LIMITED_SERIES + 1))).isEqualTo(-1);
        assertThat(count("other")).isEqualTo(100.0);
    }
}
