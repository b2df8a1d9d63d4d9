package dev.affixo.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.processor.Clicks;
import dev.affixo.processor.dedup.Classification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PendingRows} over a plain store, to set up what the driver cannot: rows already pending at start. */
class PendingRowsTest {

    private final KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore("pending"), Serdes.String(), Serdes.String())
            .withLoggingDisabled().withCachingDisabled().build();
    private final List<List<String>> written = new ArrayList<>();

    @BeforeEach
    void openStore() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    private PendingRows<String, String> pendingRows(int maxBatchRows) {
        return new PendingRows<>(store, rows -> {
            written.add(List.copyOf(rows));
            return new RowBatch(List.of(), List.of());
        }, batch -> List.of(), maxBatchRows);
    }

    @Test
    void rowsRestoredAtStartCountTowardsTheBatchSoAnOutageCannotGrowTheStore() {
        store.put("a", "row-a");
        store.put("b", "row-b");
        store.put("c", "row-c");
        PendingRows<String, String> pending = pendingRows(4);

        pending.add("d", "row-d");

        assertThat(written).containsExactly(List.of("row-a", "row-b", "row-c", "row-d"));
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void writesNothingWhenNothingIsPending() {
        pendingRows(4).write();

        assertThat(written).isEmpty();
    }

    @Test
    void eachWriteTakesOnlyWhatWasPutSinceTheLastOne() {
        PendingRows<String, String> pending = pendingRows(4);
        pending.add("a", "row-a");
        pending.write();
        pending.add("b", "row-b");
        pending.write();

        assertThat(written).containsExactly(List.of("row-a"), List.of("row-b"));
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void aRowPutAgainUnderItsKeyReplacesTheFirstAndCountsOnce() {
        PendingRows<String, String> pending = pendingRows(3);
        pending.add("a", "row-a1");
        pending.add("b", "row-b");
        pending.add("a", "row-a2");

        assertThat(written).isEmpty();
        assertThat(pending.get("a")).isEqualTo("row-a2");
        pending.add("c", "row-c");

        assertThat(written).containsExactly(List.of("row-a2", "row-b", "row-c"));
        assertThat(pending.get("a")).isNull();
    }

    @Test
    void rowsRestoredAtStartAreFoundAndWritten() {
        store.put("a", "row-a");
        PendingRows<String, String> pending = pendingRows(10);

        assertThat(pending.get("a")).isEqualTo("row-a");
        pending.write();

        assertThat(written).containsExactly(List.of("row-a"));
        assertThat(store.get("a")).isNull();
    }

    @Test
    void aFailedWriteKeepsEveryRowPendingInTheStore() {
        PendingRows<String, String> pending = new PendingRows<>(store, rows -> new RowBatch(List.of(), List.of()),
                batch -> {
                    throw new SinkUnavailableException("down", new RuntimeException());
                }, 10);
        pending.add("a", "row-a");

        assertThatThrownBy(pending::write)
                .isInstanceOf(SinkUnavailableException.class);

        assertThat(store.get("a")).isEqualTo("row-a");
        assertThat(pending.get("a")).isEqualTo("row-a");
    }

    // ---- one write per stream thread (ThreadBatch): every test thread is one "stream thread" here

    private static KeyValueStore<String, ClickRow> clickStore(String name) {
        KeyValueStore<String, ClickRow> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), new ClickRowSerde())
                .withLoggingDisabled().withCachingDisabled().build();
        store.init(new MockProcessorContext<Void, Void>().getStateStoreContext(), store);
        return store;
    }

    private static PendingRows<String, ClickRow> clickRows(KeyValueStore<String, ClickRow> store, RowWriter writer) {
        return new PendingRows<>(store, rows -> new RowBatch(rows, List.of()), writer, 100);
    }

    private static ClickRow row(String canonicalVisitor) {
        return ClickRow.of(Clicks.cookie(1, canonicalVisitor, null, 7, Instant.parse("2026-11-30T08:00:00Z")),
                canonicalVisitor, Classification.UNIQUE);
    }

    @Test
    void oneWriteCarriesThePendingRowsOfEveryTaskOfTheThreadAndEachTaskDeletesOnlyItsOwn() {
        KeyValueStore<String, ClickRow> storeA = clickStore("a");
        KeyValueStore<String, ClickRow> storeB = clickStore("b");
        List<RowBatch> batches = new ArrayList<>();
        RowWriter writer = batch -> {
            batches.add(batch);
            return List.of();
        };
        PendingRows<String, ClickRow> a = clickRows(storeA, writer);
        PendingRows<String, ClickRow> b = clickRows(storeB, writer);
        ClickRow ra = row("v-a");
        ClickRow rb = row("v-b");
        a.add("a", ra);
        b.add("b", rb);

        a.write();

        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).clicks()).containsExactly(ra, rb);
        assertThat(storeA.get("a")).isNull();
        // b's delete belongs in b's own Kafka transaction: at b's next call, not in a's punctuation
        assertThat(storeB.get("b")).isNotNull();
        assertThat(b.write()).isEmpty();
        assertThat(batches).hasSize(1);
        assertThat(storeB.get("b")).isNull();
    }

    @Test
    void aClickRefusedInAnotherTasksWriteIsReturnedOnceByItsOwnTask() {
        ClickRow ra = row("v-a");
        ClickRow rb = row("v-b");
        RowWriter writer = batch -> batch.clicks().contains(rb) ? List.of(rb) : List.of();
        PendingRows<String, ClickRow> a = clickRows(clickStore("a"), writer);
        PendingRows<String, ClickRow> b = clickRows(clickStore("b"), writer);
        a.add("a", ra);
        b.add("b", rb);

        assertThat(a.write()).isEmpty();
        assertThat(b.write()).containsExactly(rb);
        assertThat(b.write()).isEmpty();
    }

    @Test
    void twoBodiesOfOneEventIdInTwoTasksGoToPostgresqlInTwoTransactions() {
        ClickRow first = row("v-1");
        ClickRow second = ClickRow.of(first.event(), "v-2", Classification.UNIQUE);
        List<RowBatch> batches = new ArrayList<>();
        RowWriter writer = batch -> {
            batches.add(batch);
            return List.of();
        };
        PendingRows<String, ClickRow> a = clickRows(clickStore("a"), writer);
        PendingRows<String, ClickRow> b = clickRows(clickStore("b"), writer);
        a.add("e", first);
        b.add("e", second);

        a.write();
        b.write();

        assertThat(batches).extracting(RowBatch::clicks).containsExactly(List.of(first), List.of(second));
    }

    @Test
    void aClosedTasksRowsAreLeftToItsNextOwner() {
        List<RowBatch> batches = new ArrayList<>();
        RowWriter writer = batch -> {
            batches.add(batch);
            return List.of();
        };
        PendingRows<String, ClickRow> a = clickRows(clickStore("a"), writer);
        PendingRows<String, ClickRow> closed = clickRows(clickStore("b"), writer);
        ClickRow ra = row("v-a");
        a.add("a", ra);
        closed.add("b", row("v-b"));
        closed.close();

        a.write();

        assertThat(batches).extracting(RowBatch::clicks).containsExactly(List.of(ra));
    }
}
