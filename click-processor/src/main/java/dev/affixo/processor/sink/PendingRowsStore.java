package dev.affixo.processor.sink;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The rows a task has produced since its last commit, written to PostgreSQL when Kafka Streams flushes
 * its stores.
 *
 * <p>This is how offsets never run ahead of rows. In Kafka Streams 4.1 the only hook that runs on
 * <em>every</em> commit, before the task's offsets are taken and the transaction is committed, is the cache
 * flush ({@code StreamTask.prepareCommit → ProcessorStateManager.flushCache}); {@link #flush()} itself runs
 * only at checkpoints (with exactly-once: when a task is suspended or closed). So this store presents itself
 * as a {@link CachedStateStore} and writes its rows in {@link #flushCache()}, and in {@link #flush()} too.
 * {@code CachedStateStore} is an internal interface: the integration test {@code CrashRecoveryIT} and the
 * whole {@code ClickPipelineIT} fail if an upgrade stops calling it (docs/click-processor.md, "Persistence:
 * offsets never run ahead of rows").
 *
 * <p>If the write fails, the flush throws, the commit does not happen, and the records are processed again
 * — the upserts by event id make the second write land on the same rows. When more than
 * {@code maxBatchRows} rows pile up between commits, they are written early; writing early is always safe,
 * writing late never.
 *
 * <p>The buffer lives only in memory and has no changelog: after a crash, the uncommitted input that made
 * these rows is replayed and makes them again.
 */
public final class PendingRowsStore implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private final RowWriter writer;
    private final int maxBatchRows;
    private final List<ClickRow> clicks = new ArrayList<>();
    private final List<AliasRow> aliases = new ArrayList<>();
    /** Clicks the writer refused (see {@link RowWriter#write}) that the sink step has not dead-lettered yet. */
    private final List<ClickRow> refused = new ArrayList<>();
    private volatile boolean open;

    public PendingRowsStore(String name, RowWriter writer, int maxBatchRows) {
        this.name = name;
        this.writer = writer;
        this.maxBatchRows = maxBatchRows;
    }

    public void add(ClickRow row) {
        clicks.add(row);
        writeIfFull();
    }

    public void add(AliasRow row) {
        aliases.add(row);
        writeIfFull();
    }

    /**
     * The clicks refused since the last call. Refusals found by a write during a commit are handed over at the
     * sink's next record or punctuation, so their dead letters go out in the following transaction.
     */
    public List<ClickRow> takeRefused() {
        if (refused.isEmpty()) {
            return List.of();
        }
        List<ClickRow> taken = List.copyOf(refused);
        refused.clear();
        return taken;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        // Nothing to restore: the buffer is rebuilt by reprocessing uncommitted input.
        context.register(root, (key, value) -> {
        });
        open = true;
    }

    /** Called by Kafka Streams before every commit: the rows must be in PostgreSQL before the offsets move. */
    @Override
    public void flushCache() {
        writePending();
    }

    /** Called at checkpoints, suspension and close. */
    @Override
    public void flush() {
        writePending();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false; // nothing is forwarded downstream from this store
    }

    @Override
    public void clearCache() {
        // The buffer is not a read cache of anything; nothing to invalidate.
    }

    @Override
    public void close() {
        // Rows not flushed belong to input whose offsets were not committed either; they will be made again.
        clicks.clear();
        aliases.clear();
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    private void writeIfFull() {
        if (clicks.size() + aliases.size() >= maxBatchRows) {
            writePending();
        }
    }

    private void writePending() {
        if (clicks.isEmpty() && aliases.isEmpty()) {
            return;
        }
        refused.addAll(writer.write(new RowBatch(clicks, aliases)));
        clicks.clear();
        aliases.clear();
    }
}
