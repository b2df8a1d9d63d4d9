package dev.affixo.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerMetricsTest {

    @Test
    void aWindowsMeanComesFromTheCountsAndMeansSinceStart() {
        // 100 requests at a mean of 2 ms before; 300 more at 1 ms each during the window -> 400 at 1.25
        Map<String, BrokerMetrics.Reading> from = Map.of("TotalTimeMs", new BrokerMetrics.Reading(100, 2.0, 1, 9));
        Map<String, BrokerMetrics.Reading> to = Map.of("TotalTimeMs", new BrokerMetrics.Reading(400, 1.25, 1, 3));

        BrokerMetrics.Part p = BrokerMetrics.between(from, to).get("TotalTimeMs");

        assertThat(p.requests()).isEqualTo(300);
        assertThat(p.meanMs()).isCloseTo(1.0, within(1e-9));
        assertThat(p.p99Ms()).isEqualTo(3.0);
    }

    @Test
    void aWindowWithoutRequestsHasNoMean() {
        Map<String, BrokerMetrics.Reading> same = Map.of("LocalTimeMs", new BrokerMetrics.Reading(5, 1.0, 1, 1));
        assertThat(BrokerMetrics.between(same, same).get("LocalTimeMs").meanMs()).isNaN();
        assertThat(BrokerMetrics.between(Map.of(), same)).isEmpty();
    }
}
