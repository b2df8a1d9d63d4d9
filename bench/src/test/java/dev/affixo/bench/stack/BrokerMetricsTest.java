package dev.affixo.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
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

    @Test
    void requestRatesAreTheWindowsCountsPerSecondBusiestFirstIdleTypesLeftOut() {
        Map<String, Long> from = Map.of("Produce", 1_000L, "Fetch", 500L, "FetchConsumer", 500L, "Metadata", 7L);
        // EndTxn appeared during the window: its MBean did not exist at the first reading
        Map<String, Long> to = Map.of("Produce", 1_400L, "Fetch", 1_300L, "FetchConsumer", 1_300L, "Metadata", 7L,
                "EndTxn", 20L);

        Map<String, Double> rates = BrokerMetrics.ratesBetween(from, to, 4.0);

        // FetchConsumer repeats Fetch's count: left out, so the rates add up to the requests served
        assertThat(List.copyOf(rates.keySet())).containsExactly("Fetch", "Produce", "EndTxn");
        assertThat(rates.get("Fetch")).isCloseTo(200.0, within(1e-9));
        assertThat(rates.get("Produce")).isCloseTo(100.0, within(1e-9));
        assertThat(rates.get("EndTxn")).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void aFailedReadingGivesNoRatesRatherThanCountsSinceTheBrokersStart() {
        Map<String, Long> counts = Map.of("Produce", 1_000_000L);
        assertThat(BrokerMetrics.ratesBetween(Map.of(), counts, 20.0)).isEmpty();
        assertThat(BrokerMetrics.ratesBetween(counts, Map.of(), 20.0)).isEmpty();
    }
}
