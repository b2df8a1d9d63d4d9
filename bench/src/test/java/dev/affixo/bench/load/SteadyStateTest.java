package dev.affixo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteadyStateTest {

    @Test
    void settledNeedsTheLastWindowsWithinTheTolerance() {
        assertThat(SteadyState.settled(List.of(100.0, 104.0, 105.0), 3, 0.05)).isTrue();
        assertThat(SteadyState.settled(List.of(100.0, 104.0, 105.1), 3, 0.05)).isFalse();
        // only the last three count: an early slow window does not prevent it
        assertThat(SteadyState.settled(List.of(10.0, 50.0, 100.0, 101.0, 102.0), 3, 0.05)).isTrue();
        assertThat(SteadyState.settled(List.of(100.0, 100.0), 3, 0.05)).isFalse();
        // a window with nothing answered is never steady, however equal
        assertThat(SteadyState.settled(List.of(0.0, 0.0, 0.0), 3, 0.05)).isFalse();
        assertThat(SteadyState.settled(List.of(Double.NaN, 1.0, 1.0), 3, 0.05)).isFalse();
    }

    @Test
    void awaitStopsAtTheFirstSteadyTripleAndCountsEveryWindow() throws Exception {
        Iterator<Double> climb = List.of(120.0, 260.0, 330.0, 390.0, 400.0, 405.0, 999.0).iterator();
        SteadyState steady = new SteadyState(Duration.ofMillis(1), 3, 0.05, Duration.ofSeconds(60));

        SteadyState.Result r = steady.await("w", (name, length) -> climb.next());

        assertThat(r.settled()).isTrue();
        assertThat(r.windowRps()).containsExactly(120.0, 260.0, 330.0, 390.0, 400.0, 405.0);
        assertThat(r.lastRps()).isEqualTo(405.0);
    }

    @Test
    void awaitGivesUpAtTheBoundWithoutClaimingSteadiness() throws Exception {
        double[] next = {100};
        SteadyState steady = new SteadyState(Duration.ofMillis(20), 3, 0.05, Duration.ofMillis(90));

        SteadyState.Result r = steady.await("w", (name, length) -> {
            Thread.sleep(length.toMillis());
            return next[0] *= 1.5; // still climbing
        });

        assertThat(r.settled()).isFalse();
        // never fewer windows than the proof needs, and none started past the bound
        assertThat(r.windowRps()).hasSizeBetween(3, 5);
    }

    @Test
    void withinIsEitherSideOfTheTarget() {
        assertThat(SteadyState.within(900, 1000, 0.10)).isTrue();
        assertThat(SteadyState.within(1100, 1000, 0.10)).isTrue();
        assertThat(SteadyState.within(899, 1000, 0.10)).isFalse();
        assertThat(SteadyState.within(Double.NaN, 1000, 0.10)).isFalse();
    }
}
