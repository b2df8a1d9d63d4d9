package dev.affixo.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
