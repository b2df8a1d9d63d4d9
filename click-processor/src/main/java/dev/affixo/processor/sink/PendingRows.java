package dev.affixo.processor.sink;

import java.util.ArrayList;
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
 * <p>{@link #write()} runs from a wall-clock punctuator and when {@code maxBatchRows} rows are pending. Writing
 * is always safe, whenever it happens: the upserts are idempotent.
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
     * The same rows as the store, as objects, in the order they were put. Writes and lookups read this instead
     * of the store: {@code store.all()} decoded every row again at each write and went through the record cache
     * once per row, about a third of the processor's CPU in the profile (BENCHMARKS.md). The store stays the
     * durable copy (its changelog); this map is rebuilt from it whenever the task (re)initialises, which Kafka
     * Streams does only after the store is restored.
     */
    private final Map<K, R> rows = new LinkedHashMap<>();

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

    /** The row pending under {@code key}, or null. */
    public R get(K key) {
        return rows.get(key);
    }

    /**
     * Keeps the row until the next write, replacing a pending row of the same key; writes when the batch is full.
     *
     * @return the clicks that write refused (empty when there was no write)
     */
    public List<ClickRow> add(K key, R row) {
        store.put(key, row);
        rows.put(key, row);
        return rows.size() >= maxBatchRows ? write() : List.of();
    }

    /**
     * Writes every pending row in one PostgreSQL transaction, then forgets them. If the write throws, every row
     * stays pending: the task fails, its transaction aborts, and the rows are still in the committed changelog.
     *
     * @return the clicks the writer refused (an event id already stored with other request fields)
     */
    public List<ClickRow> write() {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<ClickRow> refused = writer.write(toBatch.apply(new ArrayList<>(rows.values())));
        // Only now, with the rows committed in PostgreSQL, may the store forget them.
        rows.keySet().forEach(store::delete);
        rows.clear();
        return refused;
    }
}
