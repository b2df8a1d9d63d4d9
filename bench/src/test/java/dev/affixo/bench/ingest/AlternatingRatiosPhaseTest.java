package dev.affixo.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AlternatingRatiosPhaseTest {

    @Test
    void theP50FloorIsTheHttpExchangeAndTheProduceRoundTripOneAfterTheOther() {
        // both 0.28 ms: an API adding nothing answers in 0.56 ms, twice the producer's p50
        assertThat(AlternatingRatiosPhase.serialFloor(0.28, 0.28)).isCloseTo(2.0, within(1e-12));
        assertThat(AlternatingRatiosPhase.serialFloor(0.10, 0.40)).isCloseTo(1.25, within(1e-12));
    }

    @Test
    void theThroughputCeilingAddsOnlyTheBrokersCpuToTheBareServersClick() {
        // the bare click costs 0.03 ms of CPU in all; its broker's 0.01 more makes 0.04, so 3/4 of the clicks per second
        assertThat(AlternatingRatiosPhase.ceilingWithBroker(0.03, 0.01)).isCloseTo(0.75, within(1e-12));
        assertThat(AlternatingRatiosPhase.ceilingWithBroker(0.03, 0.0)).isCloseTo(1.0, within(1e-12));
    }
}
