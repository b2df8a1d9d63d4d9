package dev.affixo.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClickStagesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ClickStages stages = new ClickStages(registry);

    @Test
    void eachStageIsTheTimeFromTheEndOfTheOneBefore() {
        stages.record(100, new long[] {150, 170, 200, 260, 300, 310, 400, 1_000});

        assertThat(nanos("auth")).isEqualTo(50);
        assertThat(nanos("limit")).isEqualTo(20);
        assertThat(nanos("body")).isEqualTo(30);
        assertThat(nanos("parse")).isEqualTo(60);
        assertThat(nanos("lookup")).isEqualTo(40);
        assertThat(nanos("event")).isEqualTo(10);
        assertThat(nanos("send")).isEqualTo(90);
        assertThat(nanos("ack")).isEqualTo(600);
        assertThat(registry.get("affixo.ingest.stage").tag("stage", "ack").timer().count()).isEqualTo(1);
    }

    @Test
    void aboutOneClickIn64IsSampled() {
        int sampled = 0;
        for (int i = 0; i < 64_000; i++) {
            long[] marks = stages.sample();
            if (marks != null) {
                assertThat(marks).hasSize(ClickStages.Stage.values().length);
                sampled++;
            }
        }
        // 1 000 expected; the bounds are ~6 standard deviations wide
        assertThat(sampled).isBetween(810, 1_190);
    }

    private long nanos(String stage) {
        return (long) registry.get("affixo.ingest.stage").tag("stage", stage).timer().totalTime(TimeUnit.NANOSECONDS);
    }
}
