package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.infra.verify.StoredClick;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.DailyTotalsCheck;
import dev.affixo.processor.Clicks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** PostgreSQL down is not a dead letter: the processor waits, retries, and misses and doubles nothing. */
@WithPipelineInfra
class PostgresOutageIT {

    private static final ClickModel MODEL = ClickModel.withDefaultWindow();

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
            assertThat(harness.rowsDifferingFrom(MODEL.expectedRows(before), ws)).isEmpty();

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
            List<ClickEvent> sent = new ArrayList<>(before);
            sent.addAll(during);
            List<ClickEvent> accepted = harness.accepted(ws);
            assertThat(accepted).containsExactlyInAnyOrderElementsOf(sent);
            Map<String, StoredClick> expected = MODEL.expectedRows(accepted);
            // The traffic must give the verifier something to judge: repeats, second uniques, aliases.
            assertThat(expected.values()).extracting(StoredClick::classification).contains("unique", "duplicate");
            assertThat(expected.values()).anyMatch(r -> r.matchMethod().equals("fingerprint")
                    && !r.canonicalVisitorId().equals(r.visitorId()));
            assertThat(harness.rowsDifferingFrom(expected, ws)).isEmpty();
            // Batches retried through the outage moved the daily totals once.
            DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);
            await().atMost(Duration.ofSeconds(30)).until(() -> processor.state() == KafkaStreams.State.RUNNING);
        }
    }

    /**
     * Ten visitors on three links, a click every 90 s: each (visitor, link) pair repeats every 45 min, so
     * labels go unique, duplicate, unique. Every visitor's cookie clicks carry its fingerprint and every
     * fourth click is fingerprint-only, so aliases are made and used — and all clicks of a visitor share
     * one record key, which fixes the order dedup sees them in: the model's result is exact.
     */
    private static List<ClickEvent> clicks(long ws, int from, int count) {
        List<ClickEvent> clicks = new ArrayList<>();
        Instant t = Instant.parse("2026-03-01T12:00:00Z");
        for (int i = from; i < from + count; i++) {
            int v = i % 10;
            Instant at = t.plusSeconds(90L * i);
            clicks.add(i % 4 == 3
                    ? Clicks.fingerprint(ws, "fp-" + v, 1 + i % 3, at)
                    : Clicks.cookie(ws, "v-" + v, "fp-" + v, 1 + i % 3, at));
        }
        return clicks;
    }
}
