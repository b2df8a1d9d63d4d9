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
import org.junit.jupiter.api.Test;

/**
 * The matching task forgets an erased person: once an erasure completes, its fingerprint no longer resolves to the
 * erased visitor and the alias entry is gone from the store (and so from its changelog); other aliases stay.
 */
class StatePurgeTopologyTest {

    private static final long WS = 7;

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
            completed.add(new ErasureFeed.Erased(erasure, Instant.now(), WS, ErasedIdentity.VISITOR.hex(WS,
                    "erased-v")));
            completed.add(new ErasureFeed.Erased(erasure, Instant.now(), WS, ErasedIdentity.FINGERPRINT.hex(WS,
                    "fp-1")));
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

    private static ClickEvent send(TopologyTestDriver driver, TestInputTopic<String, byte[]> topic, ClickEvent c) {
        topic.pipeInput(c.recordKey(), Clicks.bytes(c), c.receivedAt());
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
        return c;
    }
}
