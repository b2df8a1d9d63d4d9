package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.matching.MatchStep;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * A redelivered fingerprint-only click must leave its row as its first copy made it (docs/click-processor.md,
 * "Dedup": a click delivered twice is stored once). Here the fingerprint's alias moves to another visitor between
 * the two copies, so after matching the copy would belong to that other visitor, whose dedup task (another
 * partition) never saw the event id, and both copies would race to the row. Redeliveries are therefore dropped
 * before matching, where every copy of a request shares its record key and so its task. Real partitions:
 * TopologyTestDriver has one, where the copies would meet anyway.
 */
@WithPipelineInfra
class RedeliveryAfterAliasMovedIT {

    @Test
    void redeliveredFingerprintClickKeepsTheVisitorItsFirstCopyResolvedTo(PipelineInfra infra) {
        try (PipelineHarness harness = new PipelineHarness(infra, "redelivery")) {
            long ws = ClickPipelineIT.newWorkspace();
            // Two visitors whose clicks dedup in different tasks (different repartition partitions).
            String alice = "alice";
            String bob = visitorOnAnotherPartitionThan(ws, alice);
            Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
            ClickEvent aliceCookie = Clicks.cookie(ws, alice, "fp-shared", 1, t0);
            ClickEvent byFingerprint = Clicks.fingerprint(ws, "fp-shared", 1, t0.plusSeconds(60));
            ClickEvent bobCookie = Clicks.cookie(ws, bob, "fp-shared", 1, t0.plusSeconds(120));
            for (ClickEvent click : List.of(aliceCookie, byFingerprint, bobCookie, byFingerprint)) {
                harness.send(click); // the last one: a producer retry of the fingerprint-only click
            }
            harness.flushProducer();
            harness.startProcessor();

            await().atMost(Duration.ofSeconds(90)).until(harness::caughtUp);
            assertThat(harness.stored(ws).get(byFingerprint.eventId()).canonicalVisitorId()).isEqualTo(alice);
            assertThat(harness.rowsDifferingFrom(
                    ClickModel.withDefaultWindow().expectedRows(harness.accepted(ws)), ws)).isEmpty();
        }
    }

    private static String visitorOnAnotherPartitionThan(long ws, String visitor) {
        int taken = partition(MatchStep.canonicalKey(ws, visitor));
        for (int i = 0; ; i++) {
            String candidate = "bob-" + i;
            if (partition(MatchStep.canonicalKey(ws, candidate)) != taken) {
                return candidate;
            }
        }
    }

    /** Kafka's default partitioner for a String key. */
    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PipelineHarness.PARTITIONS;
    }
}
