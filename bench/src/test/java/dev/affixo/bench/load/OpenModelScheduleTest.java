package dev.affixo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenModelScheduleTest {

    @Test
    void spacesRequestsEvenlyFromTheStart() {
        OpenModelSchedule schedule = new OpenModelSchedule(1_000, 1_000, 1_000_000_000L);

        assertThat(schedule.count()).isEqualTo(1_000);
        assertThat(schedule.intendedStartNanos(0)).isEqualTo(1_000);
        assertThat(schedule.intendedStartNanos(1)).isEqualTo(1_001_000);
        assertThat(schedule.intendedStartNanos(999)).isEqualTo(999_001_000);
    }

    @Test
    void doesNotDriftOverAMillionRequestsAtAnAwkwardRate() {
        OpenModelSchedule schedule = new OpenModelSchedule(0, 3_000, 400_000_000_000L);

        // 3000/s: a period of 333 333.33 ns; summing rounded periods would be a third of a ms late per 1000.
        assertThat(schedule.count()).isEqualTo(1_200_000);
        assertThat(schedule.intendedStartNanos(1_199_999)).isEqualTo(399_999_666_667L);
    }

    @Test
    void rejectsANonPositiveRate() {
        assertThatThrownBy(() -> new OpenModelSchedule(0, 0, 1_000)).isInstanceOf(IllegalArgumentException.class);
    }
}
