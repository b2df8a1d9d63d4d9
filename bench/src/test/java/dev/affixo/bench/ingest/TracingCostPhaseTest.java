package dev.affixo.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TracingCostPhaseTest {

    @Test
    void theCostAtASamplingShareComesFromTheExtraTimeOfATracedClick() {
        // every click traced at half the throughput: a traced click takes twice the time; with 1 % traced an average
        // click takes 1.01 times, so throughput is 1/1.01 of none traced
        assertThat(TracingCostPhase.costAtSampling(0.5, 0.01)).isCloseTo(1 - 1 / 1.01, within(1e-12));
        // tracing that costs nothing costs nothing at any share; tracing everything costs what every click costs
        assertThat(TracingCostPhase.costAtSampling(1.0, 0.01)).isCloseTo(0.0, within(1e-12));
        assertThat(TracingCostPhase.costAtSampling(0.8, 1.0)).isCloseTo(0.2, within(1e-12));
    }
}
