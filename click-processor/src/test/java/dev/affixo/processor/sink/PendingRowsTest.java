package dev.affixo.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;

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
}
