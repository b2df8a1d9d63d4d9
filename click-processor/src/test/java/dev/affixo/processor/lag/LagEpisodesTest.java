package dev.affixo.processor.lag;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LagEpisodesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void reportsABacklogOnceAndItsCatchUpWithPeakAndDuration() {
        LagEpisodes episodes = new LagEpisodes(1000);

        assertThat(episodes.observe(10, 0)).isNull();
        assertThat(episodes.lastDrainNanos()).isEqualTo(-1);
        assertThat(episodes.observe(5000, SECOND)).isEqualTo("behind: 5000 accepted clicks not yet stored");
        assertThat(episodes.observe(8000, 2 * SECOND)).isNull();
        assertThat(episodes.observe(300, 5 * SECOND)).isNull();
        assertThat(episodes.observe(1, 13 * SECOND))
                .isEqualTo("caught up: backlog of up to 8000 clicks drained in 12.0 s");
        assertThat(episodes.lastDrainNanos()).isEqualTo(12 * SECOND);
        assertThat(episodes.observe(0, 14 * SECOND)).isNull();
    }
}
