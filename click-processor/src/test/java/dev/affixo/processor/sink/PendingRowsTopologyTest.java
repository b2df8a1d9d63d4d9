package dev.affixo.processor.sink;

import static dev.affixo.processor.Clicks.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.ClickTopology;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.TopologyFixture;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.dedup.Classification;
import dev.affixo.processor.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rows wait in the changelogged pending stores and reach the writer only from the write punctuation or a full
 * batch; a write that fails leaves them there.
 */
class PendingRowsTopologyTest {

    private static final ProcessorProperties PROPS =
            ProcessorProperties.defaults("clicks", "dead-letters", "topology-test");

    private TopologyFixture topology = new TopologyFixture(PROPS);

    @AfterEach
    void close() {
        topology.close();
    }

    private <K, V> List<KeyValue<K, V>> pending(String store) {
        List<KeyValue<K, V>> entries = new ArrayList<>();
        try (KeyValueIterator<K, V> all = topology.<K, V>store(store).all()) {
            all.forEachRemaining(entries::add);
        }
        return entries;
    }

    @Test
    void writesNothingBeforeTheWriteIntervalAndEverythingPendingAtIt() {
        ClickEvent withAlias = topology.sendUnwritten(Clicks.cookie(1, "v-alice", "fp-1", 10, T0));
        ClickEvent plain = topology.sendUnwritten(Clicks.anonymous(1, 11, T0.plusSeconds(1)));

        topology.advanceWallClock(PROPS.writeInterval().minusMillis(1));
        assertThat(topology.rows.clickWrites()).isEmpty();
        assertThat(topology.rows.aliases()).isEmpty();
        assertThat(pending(ClickTopology.PENDING_CLICK_ROWS)).hasSize(2);
        assertThat(pending(ClickTopology.PENDING_ALIAS_ROWS)).hasSize(1);

        topology.advanceWallClock(Duration.ofMillis(1));
        assertThat(topology.rows.clickWrites()).extracting(r -> r.event().eventId())
                .containsExactlyInAnyOrder(withAlias.eventId(), plain.eventId());
        assertThat(topology.rows.aliases()).containsExactly(new AliasRow(1, "fp-1", "v-alice", T0));
        assertThat(pending(ClickTopology.PENDING_CLICK_ROWS)).isEmpty();
        assertThat(pending(ClickTopology.PENDING_ALIAS_ROWS)).isEmpty();

        topology.writePendingRows();
        assertThat(topology.rows.clickWrites()).as("nothing pending, nothing rewritten").hasSize(2);
    }

    @Test
    void writesAFullBatchAtOnceWithoutWaitingForTheInterval() {
        topology.close();
        topology = new TopologyFixture(PROPS.with(Map.of("max-batch-rows", "3")));

        topology.sendUnwritten(Clicks.anonymous(1, 10, T0));
        topology.sendUnwritten(Clicks.anonymous(1, 11, T0));
        assertThat(topology.rows.clickWrites()).isEmpty();

        topology.sendUnwritten(Clicks.anonymous(1, 12, T0));
        assertThat(topology.rows.clickWrites()).hasSize(3);
        assertThat(pending(ClickTopology.PENDING_CLICK_ROWS)).isEmpty();
    }

    @Test
    void deadLettersARefusedClickInThePunctuationThatWroteTheBatch() {
        ClickEvent first = Clicks.cookie(1, "v-alice", null, 10, T0);
        // Stored earlier by another task: this task's dedup state never saw the event id.
        topology.rows.write(new RowBatch(List.of(ClickRow.of(first, "v-alice", Classification.UNIQUE)), List.of()));
        ClickEvent second = topology.sendUnwritten(new ClickEvent(first.eventId(), 1, 10, first.affiliateId(), null,
                first.ref(), "v-bob", first.matchMethod(), 1.0, null, "https://shop.example/other", null,
                first.keyId(), "key-1", T0.plusSeconds(1)));
        ClickEvent other = topology.sendUnwritten(Clicks.anonymous(1, 11, T0));
        assertThat(topology.deadLetters()).isEmpty();

        topology.writePendingRows();

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).value()).isEqualTo(Clicks.bytes(second));
        assertThat(new String(letters.get(0).headers().lastHeader(DeadLetterHeaders.REASON_CODE).value(),
                StandardCharsets.UTF_8)).isEqualTo("idempotency_key_reused");
        assertThat(topology.rows.click(first.eventId()).event()).isEqualTo(first);
        assertThat(topology.rows.click(other.eventId())).isNotNull();
        assertThat(pending(ClickTopology.PENDING_CLICK_ROWS)).isEmpty();
    }

    /**
     * A real task dies with the failed write and its successor retries from the committed pending stores
     * ({@code PostgresOutageIT}); the driver cannot show that part, as it drops a punctuator that threw.
     */
    @Test
    void keepsEveryRowPendingWhenTheWriteFails() {
        topology.close();
        topology = new TopologyFixture(PROPS, rows -> batch -> {
            throw new SinkUnavailableException("PostgreSQL is down", new RuntimeException("connection refused"));
        });
        topology.sendUnwritten(Clicks.cookie(1, "v-alice", "fp-1", 10, T0));
        topology.sendUnwritten(Clicks.anonymous(1, 11, T0));

        assertThatThrownBy(topology::writePendingRows).hasRootCauseMessage("connection refused");

        assertThat(topology.rows.clickWrites()).isEmpty();
        assertThat(pending(ClickTopology.PENDING_CLICK_ROWS)).hasSize(2);
        assertThat(pending(ClickTopology.PENDING_ALIAS_ROWS)).hasSize(1);
    }

    @Test
    void aSecondBodyOfAPendingEventIdNeverReplacesTheFirst() {
        topology.close();
        ProcessorProperties p = PROPS;
        topology = new TopologyFixture(p.with(Map.of("dedup-window", "PT1H", "seen-event-retention", "PT1H")));
        ClickEvent first = topology.sendUnwritten(Clicks.cookie(1, "v-alice", null, 10, T0));
        // received_at moves two hours on: dedup has forgotten the event id, so the second body gets past it.
        topology.sendUnwritten(Clicks.cookie(1, "v-alice", null, 11, T0.plus(Duration.ofHours(2))));
        ClickEvent second = topology.sendUnwritten(new ClickEvent(first.eventId(), 1, 10, first.affiliateId(),
                null, first.ref(), "v-alice", first.matchMethod(), 1.0, null, "https://shop.example/other", null,
                first.keyId(), "key-1", T0.plusSeconds(1)));
        topology.writePendingRows();

        assertThat(topology.rows.click(first.eventId()).event()).isEqualTo(first);
        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).value()).isEqualTo(Clicks.bytes(second));
        assertThat(new String(letters.get(0).headers().lastHeader(DeadLetterHeaders.STEP).value(),
                StandardCharsets.UTF_8)).isEqualTo("sink");
    }
}
