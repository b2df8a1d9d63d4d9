package dev.affixo.processor.sink;

import java.util.Map;
import org.apache.kafka.streams.state.StoreBuilder;

/** Builds one {@link PendingRowsStore} per task; logging is always off (nothing in it outlives a commit). */
public final class PendingRowsStoreBuilder implements StoreBuilder<PendingRowsStore> {

    private final String name;
    private final RowWriter writer;
    private final int maxBatchRows;

    public PendingRowsStoreBuilder(String name, RowWriter writer, int maxBatchRows) {
        this.name = name;
        this.writer = writer;
        this.maxBatchRows = maxBatchRows;
    }

    @Override
    public StoreBuilder<PendingRowsStore> withCachingEnabled() {
        throw new UnsupportedOperationException("a pending-rows buffer has no cache");
    }

    @Override
    public StoreBuilder<PendingRowsStore> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<PendingRowsStore> withLoggingEnabled(Map<String, String> config) {
        throw new UnsupportedOperationException("a pending-rows buffer has no changelog");
    }

    @Override
    public StoreBuilder<PendingRowsStore> withLoggingDisabled() {
        return this;
    }

    @Override
    public PendingRowsStore build() {
        return new PendingRowsStore(name, writer, maxBatchRows);
    }

    @Override
    public Map<String, String> logConfig() {
        return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
        return false;
    }

    @Override
    public String name() {
        return name;
    }
}
