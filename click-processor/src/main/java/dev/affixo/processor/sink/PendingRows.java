package dev.affixo.processor.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The rows of one task that are not in PostgreSQL yet, kept in a changelogged store so a commit never loses
 * them: a row is put while the record that makes it is processed (in the same Kafka transaction as that
 * record's offset), and deleted only after the write that stores it has committed in PostgreSQL (so the delete,
 * a changelog tombstone, can commit only after the row did). See docs/click-processor.md, "Exactly once into
 * PostgreSQL".
 *
 * <p>{@link #write()} runs from a wall-clock punctuator and when {@code maxBatchRows} rows are pending. It writes,
 * in the same PostgreSQL transaction, the pending rows of the other tasks of this stream thread ({@link ThreadBatch});
 * a task whose rows another task's write stored deletes them, and dead-letters what that write refused, at its own
 * next call. Writing is always safe, whenever it happens: the upserts are idempotent.
 *
 * @param <K> store key: the identity a later row of the same key replaces (event id, fingerprint key)
 * @param <R> the row type
 */
public final class PendingRows<K, R> {

    private final KeyValueStore<K, R> store;
    private final Function<List<R>, RowBatch> toBatch;
    private final RowWriter writer;
    private final int maxBatchRows;
    /**
     * The rows of the store not yet in PostgreSQL, as objects, in the order they were put. Writes and lookups read
     * this instead of the store: {@code store.all()} decoded every row again at each write and went through the record
     * cache once per row, about a third of the processor's CPU in the profile (BENCHMARKS.md). The store stays the
     * durable copy (its changelog); this map is rebuilt from it whenever the task (re)initialises, which Kafka
     * Streams does only after the store is restored.
     */
    private final Map<K, R> rows = new LinkedHashMap<>();
    /** Rows a write stored in PostgreSQL that are still in the store: deleted at this task's next call. */
    private final Map<K, R> stored = new HashMap<>();
    /** Clicks a write refused that this task has not dead-lettered yet. */
    private final List<ClickRow> refused = new ArrayList<>();
    /** The batch of the stream thread that last processed or punctuated this task (null before its first call). */
    private ThreadBatch batch;

    /**
     * The deletes after a write go out with the task's next regular commit ({@code commit.interval.ms}); no commit
     * is requested. Requesting one after every write ({@code ProcessingContext.commit()}) made the stream thread
     * commit in nearly every loop iteration, since some task had always just written: measured, 200 → row went
     * from about 0.25 s to 3 s (p50) and the processor fell behind (BENCHMARKS.md). A delete that waits changes
     * nothing for correctness (the row is in PostgreSQL) nor for cost (put and delete still meet in the cache
     * before the flush, one tombstone).
     *
     * <p>Rows restored from the changelog count towards the batch. Else, while PostgreSQL is down, every restarted
     * task would take up to a full batch more before its first write fails, commit it, and die: the store would
     * grow with the outage.
     *
     * <p>Call {@link #close()} from the task's {@code close}.
     */
    public PendingRows(KeyValueStore<K, R> store, Function<List<R>, RowBatch> toBatch, RowWriter writer,
                       int maxBatchRows) {
        this.store = store;
        this.toBatch = toBatch;
        this.writer = writer;
        this.maxBatchRows = maxBatchRows;
        try (KeyValueIterator<K, R> restored = store.all()) {
            while (restored.hasNext()) {
                KeyValue<K, R> entry = restored.next();
                rows.put(entry.key, entry.value);
            }
        }
    }

    /** The row pending under {@code key} (not yet in PostgreSQL, or stored but not yet deleted), or null. */
    public R get(K key) {
        R row = rows.get(key);
        return row != null ? row : stored.get(key);
    }

    /**
     * Keeps the row until the next write, replacing a pending row of the same key; writes when the batch is full.
     *
     * @return the clicks that a write refused and this task has not dead-lettered yet (empty when there are none)
     */
    public List<ClickRow> add(K key, R row) {
        joinThisThread();
        List<ClickRow> out = new ArrayList<>(settle());
        store.put(key, row);
        rows.put(key, row);
        if (rows.size() >= maxBatchRows) {
            out.addAll(write());
        }
        return out;
    }

    /**
     * Writes every pending row in one PostgreSQL transaction (together with other tasks' rows of this thread), then
     * forgets them. If the write throws, every row stays pending: the task fails, its transaction aborts, and the rows
     * are still in the committed changelog.
     *
     * @return the clicks the writer refused (an event id already stored with other request fields), this write's and
     *         any earlier one's not yet returned
     */
    public List<ClickRow> write() {
        joinThisThread();
        List<ClickRow> out = new ArrayList<>(settle());
        if (!rows.isEmpty()) {
            batch.write(this, maxBatchRows);
            out.addAll(settle());
        }
        return out;
    }

    /** Leaves the thread's batch: the task is closing (its rows stay in the changelog for the next owner). */
    public void close() {
        if (batch != null) {
            batch.leave(this);
        }
    }

    /**
     * Joins the batch of the calling thread, the one processing this task now: membership follows the thread that
     * runs the task, whichever thread initialised it.
     */
    private void joinThisThread() {
        ThreadBatch current = ThreadBatch.of(writer);
        if (current != batch) {
            if (batch != null) {
                batch.leave(this);
            }
            batch = current;
            current.join(this);
        }
    }

    int pendingCount() {
        return rows.size();
    }

    RowBatch pendingBatch() {
        return toBatch.apply(new ArrayList<>(rows.values()));
    }

    /** A write (this task's or another's of this thread) stored every row of {@link #pendingBatch()}. */
    void stored(List<ClickRow> refusedByWrite) {
        for (ClickRow click : refusedByWrite) {
            // event ids are unique within a batch (ThreadBatch#write), so the id tells whose click it is
            if (rows.values().stream().anyMatch(row -> row instanceof ClickRow mine
                    && mine.event().eventId().equals(click.event().eventId()))) {
                refused.add(click);
            }
        }
        stored.putAll(rows);
        rows.clear();
    }

    /**
     * Only now, with the rows committed in PostgreSQL, may the store forget them. A row put again since under the same
     * key is pending again and stays.
     */
    private List<ClickRow> settle() {
        stored.forEach((key, row) -> {
            if (!rows.containsKey(key)) {
                store.delete(key);
            }
        });
        stored.clear();
        if (refused.isEmpty()) {
            return List.of();
        }
        List<ClickRow> out = List.copyOf(refused);
        refused.clear();
        return out;
    }
}
