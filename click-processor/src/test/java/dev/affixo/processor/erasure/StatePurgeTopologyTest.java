package dev.affixo.processor.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickKeys;
import dev.affixo.processor.ClickTopology;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.RecordingRowWriter;
import dev.affixo.processor.StreamsSettings;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.deadletter.DeadLetterMetrics;
import dev.affixo.processor.dedup.DedupStep;
import dev.affixo.processor.dedup.VisitorLinkKey;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.matching.MatchStep;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;

/**
 * The processor's state forgets an erased person: once an erasure completes, matching's alias entries and dedup's
 * anchors of the person are gone from the stores (and so from their changelogs), their fingerprint no longer
 * resolves to the erased visitor, and a click of the same visitor id after the erasure is a new visitor's —
 * {@code unique}, never a duplicate of an erased click. The moment the purge runs changes no label the sink keeps.
 */
class StatePurgeTopologyTest {

    private static final long WS = 7;
    /** The erasure's request: after the person's first clicks, before the returning ones. */
    private static final Instant REQUESTED = Clicks.T0.plusSeconds(90);

    @Test
    void anErasedFingerprintStopsResolvingToTheErasedVisitor() {
        List<ErasureFeed.Erased> completed = new CopyOnWriteArrayList<>();
        ErasureFeed feed = since -> completed.stream().filter(e -> !e.completedAt().isBefore(since)).toList();
        RecordingRowWriter rows = new RecordingRowWriter();
        ProcessorProperties props = ProcessorProperties.defaults("clicks", "dead-letters", "purge-test");
        try (TopologyTestDriver driver = new TopologyTestDriver(
                new ClickTopology(props, rows, Clock.fixed(Instant.parse("2026-03-02T00:00:00Z"), ZoneOffset.UTC),
                        DeadLetterMetrics.of(new SimpleMeterRegistry()), feed).build(),
                StreamsSettings.build(props, Map.of("bootstrap.servers", "unused:9092")))) {
            TestInputTopic<String, byte[]> accepted = driver.createInputTopic("clicks", new StringSerializer(),
                    new ByteArraySerializer());
            send(driver, accepted, Clicks.cookie(WS, "erased-v", "fp-1", 1, Clicks.T0));
            send(driver, accepted, Clicks.cookie(WS, "kept-v", "fp-2", 1, Clicks.T0));
            ClickEvent before = send(driver, accepted, Clicks.fingerprint(WS, "fp-1", 1, Clicks.T0.plusSeconds(60)));
            assertThat(rows.click(before.eventId()).canonicalVisitorId()).isEqualTo("erased-v");

            UUID erasure = UUID.randomUUID();
            completed.add(new ErasureFeed.Erased(erasure, REQUESTED, Instant.now(), WS, ErasedIdentity.VISITOR.hex(WS,
                    "erased-v")));
            completed.add(new ErasureFeed.Erased(erasure, REQUESTED, Instant.now(), WS,
                    ErasedIdentity.FINGERPRINT.hex(WS, "fp-1")));
            driver.advanceWallClockTime(MatchStep.PURGE_INTERVAL);

            KeyValueStore<String, Object> aliases = driver.getKeyValueStore(ClickTopology.FINGERPRINT_ALIASES);
            assertThat(aliases.get(ClickKeys.fingerprintKey(WS, "fp-1"))).isNull();
            assertThat(aliases.get(ClickKeys.fingerprintKey(WS, "fp-2"))).isNotNull();
            ClickEvent after = send(driver, accepted, Clicks.fingerprint(WS, "fp-1", 1, Clicks.T0.plusSeconds(120)));
            ClickEvent other = send(driver, accepted, Clicks.fingerprint(WS, "fp-2", 1, Clicks.T0.plusSeconds(120)));
            assertThat(rows.click(after.eventId()).canonicalVisitorId()).as("its own, unlinked visitor")
                    .isEqualTo(after.visitorId());
            assertThat(rows.click(other.eventId()).canonicalVisitorId()).isEqualTo("kept-v");
        }
    }

    /**
     * The person's input, then clicks after the erasure: the same cookie twice within the dedup window (the first
     * must be unique — not a duplicate of the erased click — and anchor the second), the fingerprint alone, and
     * another visitor's clicks around them.
     */
    private static final List<ClickEvent> TRAFFIC = List.of(
                Clicks.cookie(WS, "erased-v", "fp-1", 1, Clicks.T0),
                Clicks.cookie(WS, "kept-v", "fp-2", 1, Clicks.T0),
                Clicks.cookie(WS, "erased-v", "fp-1", 1, Clicks.T0.plusSeconds(60)),
                Clicks.cookie(WS, "erased-v", null, 1, Clicks.T0.plusSeconds(120)),
                Clicks.cookie(WS, "kept-v", "fp-2", 1, Clicks.T0.plusSeconds(120)),
                Clicks.cookie(WS, "erased-v", null, 1, Clicks.T0.plusSeconds(180)),
                Clicks.fingerprint(WS, "fp-1", 1, Clicks.T0.plusSeconds(240)));

    private static List<ErasureFeed.Erased> erasureOfTheCookieVisitor() {
        UUID erasure = UUID.randomUUID();
        return List.of(
                new ErasureFeed.Erased(erasure, REQUESTED, Instant.now(), WS,
                        ErasedIdentity.VISITOR.hex(WS, "erased-v")),
                new ErasureFeed.Erased(erasure, REQUESTED, Instant.now(), WS,
                        ErasedIdentity.FINGERPRINT.hex(WS, "fp-1")));
    }

    /**
     * Runs {@link #TRAFFIC} through a topology whose erasure completes (becomes visible to the purge) before
     * record {@code completesBefore} — 0: before the task starts, as for a replay started after the erasure; 3: in
     * the middle, after the person's clicks and before the returning ones, as for a replay that the erasure
     * overtakes. Returns every stored row's label (and canonical visitor) by event id, and checks the anchors.
     */
    private static Map<String, String> run(int completesBefore) {
        List<ErasureFeed.Erased> completed = new CopyOnWriteArrayList<>();
        ErasureFeed feed = since -> completed.stream().filter(e -> !e.completedAt().isBefore(since)).toList();
        RecordingRowWriter rows = new RecordingRowWriter();
        ProcessorProperties props = ProcessorProperties.defaults("clicks", "dead-letters", "purge-test");
        List<ClickEvent> traffic = TRAFFIC;
        if (completesBefore == 0) {
            completed.addAll(erasureOfTheCookieVisitor());
        }
        try (TopologyTestDriver driver = new TopologyTestDriver(
                new ClickTopology(props, rows, Clock.fixed(Instant.parse("2026-03-02T00:00:00Z"), ZoneOffset.UTC),
                        DeadLetterMetrics.of(new SimpleMeterRegistry()), feed).build(),
                StreamsSettings.build(props, Map.of("bootstrap.servers", "unused:9092")))) {
            TestInputTopic<String, byte[]> accepted = driver.createInputTopic("clicks", new StringSerializer(),
                    new ByteArraySerializer());
            WindowStore<VisitorLinkKey, UUID> anchors = driver.getWindowStore(ClickTopology.UNIQUE_ANCHORS);
            VisitorLinkKey erasedKey = new VisitorLinkKey(WS, "erased-v", 1);
            for (int i = 0; i < traffic.size(); i++) {
                if (i == completesBefore && i > 0) {
                    assertThat(anchorTimes(anchors, erasedKey)).as("the person's unique click is an anchor")
                            .containsExactly(Clicks.T0.toEpochMilli());
                    completed.addAll(erasureOfTheCookieVisitor());
                    driver.advanceWallClockTime(DedupStep.PURGE_INTERVAL);
                    assertThat(anchorTimes(anchors, erasedKey)).as("purged within the interval").isEmpty();
                }
                send(driver, accepted, traffic.get(i));
            }
            assertThat(anchorTimes(anchors, erasedKey)).as("only the new visitor's anchor, after the request")
                    .containsExactly(Clicks.T0.plusSeconds(120).toEpochMilli());
            assertThat(anchorTimes(anchors, new VisitorLinkKey(WS, "kept-v", 1))).as("another visitor's stays")
                    .containsExactly(Clicks.T0.toEpochMilli());
            Map<String, String> labels = new java.util.LinkedHashMap<>();
            for (ClickEvent e : traffic) {
                ClickRow row = rows.click(e.eventId());
                labels.put(e.eventId(), row.classification().wire() + " " + row.canonicalVisitorId());
            }
            return labels;
        }
    }

    private static List<Long> anchorTimes(WindowStore<VisitorLinkKey, UUID> anchors, VisitorLinkKey key) {
        List<Long> times = new java.util.ArrayList<>();
        try (WindowStoreIterator<UUID> it = anchors.fetch(key, 0, Long.MAX_VALUE)) {
            it.forEachRemaining(kv -> times.add(kv.key));
        }
        return times;
    }

    @Test
    void anErasedVisitorsAnchorsArePurgedAndItsReturningCookieIsANewUniqueVisitor() {
        List<ClickEvent> t = TRAFFIC;
        Map<String, String> midway = run(3);

        assertThat(midway.get(t.get(3).eventId())).as("after the erasure: unique, not a duplicate of the erased")
                .isEqualTo("unique erased-v");
        assertThat(midway.get(t.get(5).eventId())).as("anchored on the new visitor's own click")
                .isEqualTo("duplicate erased-v");
        assertThat(midway.get(t.get(4).eventId())).as("another visitor keeps its anchor").isEqualTo("duplicate kept-v");
        assertThat(midway.get(t.get(6).eventId())).as("the fingerprint no longer resolves to the erased visitor")
                .isEqualTo("unique " + t.get(6).visitorId());
    }

    /**
     * The rule holds without the purge: an anchor of the erased visitor from before the request that is still in the
     * store (put here directly, as if restored after the purge had looked) never makes a later click a duplicate.
     */
    @Test
    void aClickAfterTheErasureIgnoresAnUnpurgedAnchorFromBeforeIt() {
        List<ErasureFeed.Erased> completed = new CopyOnWriteArrayList<>(erasureOfTheCookieVisitor());
        ErasureFeed feed = since -> completed.stream().filter(e -> !e.completedAt().isBefore(since)).toList();
        RecordingRowWriter rows = new RecordingRowWriter();
        ProcessorProperties props = ProcessorProperties.defaults("clicks", "dead-letters", "purge-test");
        try (TopologyTestDriver driver = new TopologyTestDriver(
                new ClickTopology(props, rows, Clock.fixed(Instant.parse("2026-03-02T00:00:00Z"), ZoneOffset.UTC),
                        DeadLetterMetrics.of(new SimpleMeterRegistry()), feed).build(),
                StreamsSettings.build(props, Map.of("bootstrap.servers", "unused:9092")))) {
            TestInputTopic<String, byte[]> accepted = driver.createInputTopic("clicks", new StringSerializer(),
                    new ByteArraySerializer());
            WindowStore<VisitorLinkKey, UUID> anchors = driver.getWindowStore(ClickTopology.UNIQUE_ANCHORS);
            anchors.put(new VisitorLinkKey(WS, "erased-v", 1), UUID.randomUUID(), Clicks.T0.toEpochMilli());

            ClickEvent returning = send(driver, accepted, TRAFFIC.get(3));
            ClickEvent next = send(driver, accepted, TRAFFIC.get(5));

            assertThat(rows.click(returning.eventId()).classification().wire()).isEqualTo("unique");
            assertThat(rows.click(next.eventId()).classification().wire()).isEqualTo("duplicate");
        }
    }

    /**
     * Whether the purge ran before the task started (a replay after the erasure) or in the middle of the input (a
     * replay the erasure overtakes), every click the sink labels anew — all but the person's clicks from before the
     * request, which it stores erased with the labels they have — gets the same label and canonical visitor.
     */
    @Test
    void whenThePurgeRunsChangesNoLabelTheSinkKeeps() {
        List<ClickEvent> t = TRAFFIC;
        Map<String, String> fromStart = run(0);
        Map<String, String> midway = run(3);
        for (int i = 0; i < t.size(); i++) {
            boolean erasedPersonBeforeRequest = i == 0 || i == 2;
            if (!erasedPersonBeforeRequest) {
                assertThat(fromStart.get(t.get(i).eventId())).as("click %d", i)
                        .isEqualTo(midway.get(t.get(i).eventId()));
            }
        }
    }

    private static ClickEvent send(TopologyTestDriver driver, TestInputTopic<String, byte[]> topic, ClickEvent c) {
        topic.pipeInput(c.recordKey(), Clicks.bytes(c), c.receivedAt());
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
        return c;
    }
}
