package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.infra.verify.StoredClick;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real Kafka, real PostgreSQL: what goes onto the topic comes out as rows, once each. */
@WithPipelineInfra
class ClickPipelineIT {

    private static PipelineHarness harness;
    private static ClickStreams processor;

    @BeforeAll
    static void start(PipelineInfra infra) {
        harness = new PipelineHarness(infra, "pipeline");
        processor = harness.startProcessor();
        await().atMost(Duration.ofSeconds(60)).until(() -> processor.state() == KafkaStreams.State.RUNNING);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    static long newWorkspace() {
        return ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE);
    }

    /**
     * All clicks of a visitor carry its fingerprint, so they share one record key and reach dedup in send
     * order: the outcome is fixed, and {@link ClickModel} computes it exactly (its condition 1).
     * 20 visitors × 3 clicks on one link (unique, +10 min duplicate, +61 min unique again), and for each
     * visitor one fingerprint-only click that resolves to the visitor through the alias its first click made.
     */
    static Map<ClickEvent, String> scenario(long ws) {
        Map<ClickEvent, String> expected = new HashMap<>();
        Instant t0 = Instant.parse("2026-03-01T12:00:00Z");
        for (int v = 0; v < 20; v++) {
            String visitor = "v-" + v;
            String fingerprint = "fp-" + v;
            expected.put(Clicks.cookie(ws, visitor, fingerprint, 1, t0), visitor + "/unique");
            expected.put(Clicks.cookie(ws, visitor, fingerprint, 1, t0.plus(Duration.ofMinutes(10))), visitor + "/duplicate");
            expected.put(Clicks.fingerprint(ws, fingerprint, 1, t0.plus(Duration.ofMinutes(20))), visitor + "/duplicate");
            expected.put(Clicks.cookie(ws, visitor, fingerprint, 1, t0.plus(Duration.ofMinutes(61))), visitor + "/unique");
        }
        return expected;
    }

    /** Sends in time order (the alias-making click before the click that uses it, as in production). */
    static void sendInOrder(PipelineHarness h, Iterable<ClickEvent> clicks) {
        List<ClickEvent> ordered = new java.util.ArrayList<>();
        clicks.forEach(ordered::add);
        ordered.sort(java.util.Comparator.comparing(ClickEvent::receivedAt));
        ordered.forEach(h::send);
        h.flushProducer();
    }

    static Map<String, String> byEventId(Map<ClickEvent, String> expected) {
        Map<String, String> out = new HashMap<>();
        expected.forEach((click, label) -> out.put(click.eventId(), label));
        return out;
    }

    @Test
    void storesEachClickOnceWithItsCanonicalVisitorAndClassification() {
        long ws = newWorkspace();
        Map<ClickEvent, String> expected = scenario(ws);

        sendInOrder(harness, expected.keySet());

        await().atMost(Duration.ofSeconds(60)).until(harness::caughtUp);
        assertThat(harness.labels(ws)).isEqualTo(byEventId(expected));
        Map<String, StoredClick> expectedRows = ClickModel.withDefaultWindow().expectedRows(harness.accepted(ws));
        assertThat(harness.rowsDifferingFrom(expectedRows, ws)).isEmpty();
        assertThat(harness.count("select count(*) from visitor_aliases where workspace_id = :ws", ws)).isEqualTo(20);
        assertThat(harness.count("""
                select count(*) from visitor_activity where workspace_id = :ws
                and last_seen_at - first_seen_at = interval '61 minutes'""", ws)).isEqualTo(20);
        assertThat(harness.count("select count(*) from visitors where workspace_id = :ws", ws)).isEqualTo(20);
    }

    @Test
    void recordsDeliveredTwiceAreStoredOnce() {
        long ws = newWorkspace();
        Map<ClickEvent, String> expected = scenario(ws);

        sendInOrder(harness, expected.keySet());
        sendInOrder(harness, expected.keySet()); // a producer retry re-sends records already in the log

        await().atMost(Duration.ofSeconds(60)).until(harness::caughtUp);

        List<ClickEvent> accepted = harness.accepted(ws);
        assertThat(accepted).hasSize(2 * expected.size()); // both copies are in the log
        // One row per event id, each as the model computes it from the log (second copies change nothing).
        assertThat(harness.rowsDifferingFrom(ClickModel.withDefaultWindow().expectedRows(accepted), ws)).isEmpty();
        assertThat(harness.labels(ws)).isEqualTo(byEventId(expected));
    }

    @Test
    void poisonRecordBecomesOneDeadLetterAndTheNextClickIsStored() {
        long ws = newWorkspace();
        byte[] poison = "\u0000garbage{".getBytes(StandardCharsets.UTF_8);
        ClickEvent next = Clicks.cookie(ws, "v-after-poison", null, 1, Instant.now());

        harness.sendRaw(ws + ":v:v-after-poison", poison); // same key: same partition, just before the click
        harness.send(next);
        harness.flushProducer();

        await().atMost(Duration.ofSeconds(60)).until(() -> harness.labels(ws).containsKey(next.eventId()));
        List<ConsumerRecord<String, byte[]>> letters = harness.deadLetters(1, Duration.ofSeconds(30));
        assertThat(letters).hasSize(1);
        ConsumerRecord<String, byte[]> letter = letters.get(0);
        assertThat(letter.value()).isEqualTo(poison);
        assertThat(header(letter, DeadLetterHeaders.STEP)).isEqualTo("decode");
        assertThat(header(letter, DeadLetterHeaders.REASON)).startsWith("not JSON");
        assertThat(header(letter, DeadLetterHeaders.SOURCE)).startsWith(harness.props.acceptedTopic() + "-");
        assertThat(Instant.parse(header(letter, DeadLetterHeaders.TIMESTAMP))).isBefore(Instant.now().plusSeconds(1));
        assertThat(processor.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(harness.rows(ws)).isEqualTo(1);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
