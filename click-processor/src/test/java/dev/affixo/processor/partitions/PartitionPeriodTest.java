package dev.affixo.processor.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PartitionPeriodTest {

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void periodsStartAtUtcMidnightWeeksOnMondayMonthsOnTheFirst() {
        Instant lastMsOfFebruary = at("2024-02-29T23:59:59.999Z");
        assertThat(PartitionPeriod.DAY.start(lastMsOfFebruary)).isEqualTo(at("2024-02-29T00:00:00Z"));
        assertThat(PartitionPeriod.WEEK.start(lastMsOfFebruary)).isEqualTo(at("2024-02-26T00:00:00Z"));
        assertThat(PartitionPeriod.MONTH.start(lastMsOfFebruary)).isEqualTo(at("2024-02-01T00:00:00Z"));
        assertThat(PartitionPeriod.MONTH.start(at("2024-03-01T00:00:00Z"))).isEqualTo(at("2024-03-01T00:00:00Z"));
        assertThat(PartitionPeriod.WEEK.start(at("2024-03-04T00:00:00Z"))).isEqualTo(at("2024-03-04T00:00:00Z"));
    }

    @Test
    void nextIsThePeriodAfter() {
        assertThat(PartitionPeriod.DAY.next(at("2024-02-29T00:00:00Z"))).isEqualTo(at("2024-03-01T00:00:00Z"));
        assertThat(PartitionPeriod.WEEK.next(at("2024-02-26T00:00:00Z"))).isEqualTo(at("2024-03-04T00:00:00Z"));
        assertThat(PartitionPeriod.MONTH.next(at("2024-12-01T00:00:00Z"))).isEqualTo(at("2025-01-01T00:00:00Z"));
    }

    @Test
    void partitionNamesFollowTheLowerBoundAsV4NamesThem() {
        assertThat(ClickPartitions.name(at("2026-11-01T00:00:00Z"))).isEqualTo("clicks_p20261101");
        assertThat(ClickPartitions.name(at("2026-11-01T06:30:00Z"))).isEqualTo("clicks_p20261101_063000");
    }
}
