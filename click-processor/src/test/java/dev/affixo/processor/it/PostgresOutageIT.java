package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.Clicks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** PostgreSQL down is not a dead letter: the processor waits, retries, and misses and doubles nothing. */
@WithPipelineInfra
class PostgresOutageIT {

    @Test
    void clicksArrivingWhilePostgresIsDownAreStoredOnceItIsBack(PipelineInfra infra) throws Exception {
        try (PipelineHarness harness = new PipelineHarness(infra, "outage")) {
            long ws = ClickPipelineIT.newWorkspace();
            ClickStreams processor = harness.startProcessor();
            List<ClickEvent> before = clicks(ws, 0, 40);
            List<ClickEvent> during = clicks(ws, 40, 40);

            before.forEach(harness::send);
            harness.flushProducer();
            await().atMost(Duration.ofSeconds(60)).until(harness::caughtUp);
            assertThat(harness.rows(ws)).isEqualTo(40);

            infra.postgres().stop();
            try {
                during.forEach(harness::send);
                harness.flushProducer();
                Thread.sleep(10_000);
                assertThat(harness.caughtUp()).as("offsets must not move while rows cannot be written").isFalse();
            } finally {
                infra.postgres().restart();
            }

            await().atMost(Duration.ofSeconds(90)).until(harness::caughtUp);
            assertThat(harness.rows(ws)).isEqualTo(80);
            assertThat(harness.distinctEvents(ws)).isEqualTo(80);
            await().atMost(Duration.ofSeconds(30)).until(() -> processor.state() == KafkaStreams.State.RUNNING);
        }
    }

    private static List<ClickEvent> clicks(long ws, int from, int count) {
        List<ClickEvent> clicks = new ArrayList<>();
        Instant t = Instant.parse("2026-03-01T12:00:00Z");
        for (int i = from; i < from + count; i++) {
            clicks.add(Clicks.cookie(ws, "v-" + (i % 10), null, 1 + i % 3, t.plusSeconds(i)));
        }
        return clicks;
    }
}
