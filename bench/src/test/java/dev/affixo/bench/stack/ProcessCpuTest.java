package dev.affixo.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void readsTimesAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (postgres: a (b) c) S 4000 4242 4242 0 -1 4194560 1200 0 0 0 "
                + "731 96 12 7 20 0 1 0 5000 200000000 3000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcessCpu.parseStat(stat)).containsExactly(731, 96, 12, 7, 4000);
    }

    @Test
    void costPerClickIsNaNWhenAReadingFailed() {
        assertThat(ProcessCpu.costMs(-1, 100, 10)).isNaN();
        assertThat(ProcessCpu.costMs(100, 50, 10)).isNaN();
        assertThat(ProcessCpu.costMs(0, 100, 0)).isNaN();
    }
}
