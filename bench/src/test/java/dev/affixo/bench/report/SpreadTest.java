package dev.affixo.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void medianAndRangeOfAnOddCount() {
        Spread s = Spread.of(List.of(7200.0, 4700.0, 7000.0));
        assertThat(s.median()).isEqualTo(7000.0);
        assertThat(s.min()).isEqualTo(4700.0);
        assertThat(s.max()).isEqualTo(7200.0);
        assertThat(s.samples()).isEqualTo(3);
        assertThat(s.relativeRange()).isCloseTo(2500.0 / 7000.0, within(1e-12));
        assertThat(s.range("%.0f")).isEqualTo("4700–7200 (3 runs)");
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Spread.of(List.of(4.0, 1.0, 3.0, 2.0)).median()).isEqualTo(2.5);
    }

    @Test
    void failedRunsAreLeftOutAndNoneLeftIsNaN() {
        Spread s = Spread.of(Arrays.asList(Double.NaN, 10.0, null, 30.0));
        assertThat(s.samples()).isEqualTo(2);
        assertThat(s.median()).isEqualTo(20.0);
        assertThat(Spread.of(List.of(Double.NaN)).median()).isNaN();
    }
}
