package dev.affixo.processor.sink;

import java.util.ArrayList;
import java.util.List;
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
 * <p>{@link #write()} runs from a wall-clock punctuator and when {@code maxBatchRows} rows were put since the
 * last write. Writing is always safe, whenever it happens: the upserts are idempotent.
 *
 * @param <K> store key: the identity a later row of the same key replaces (event id, fingerprint key)
 * @param <R> the row type
 */
public final class PendingRows<K, R> {

    private final KeyValueStore<K, R> store;
    private final Function<List<R>, RowBatch> toBatch;
    private final RowWriter writer;
    private final int maxBatchRows;
    /** Rows put since the last write (or found pending at start): the size trigger, without counting the store. */
    private long putSinceWrite;

    /**
     * The deletes after a write go out with the task's next regular commit ({@code commit.interval.ms}); no commit
     * is requested. Requesting one after every write ({@code ProcessingContext.commit()}) made the stream thread
     * commit in nearly every loop iteration, since some task had always just written: measured, 200 → row went
     * from about 0.25 s to 3 s (p50) and the processor fell behind (BENCHMARKS.md). A delete that waits changes
     * nothing for correctness (the row is in PostgreSQL) nor for cost (put and delete still meet in the cache
     * before the flush, one tombstone).
     */
    public PendingRows(KeyValueStore<K, R> store, Function<List<R>, RowBatch> toBatch, RowWriter writer,
                       int maxBatchRows) {
        this.store = store;
        this.toBatch = toBatch;
        this.writer = writer;
        this.maxBatchRows = maxBatchRows;
        // Rows restored from the changelog count towards the batch. Else, while PostgreSQL is down, every restarted
        // task would take up to a full batch more before its first write fails, commit it, and die: the store
        // would grow with the outage. Exact here: the store was just restored, its cache is empty.
        this.putSinceWrite = store.approximateNumEntries();
    }

    /** The row pending under {@code key}, or null. */
    public R get(K key) {
        return store.get(key);
    }

    /**
     * Keeps the row until the next write, replacing a pending row of the same key; writes when the batch is full.
     *
     * @return the clicks that write refused (empty when there was no write)
     */
    public List<ClickRow> add(K key, R row) {
        store.put(key, row);
        return ++putSinceWrite >= maxBatchRows ? write() : List.of();
    }

    /**
     * Writes every pending row in one PostgreSQL transaction, then forgets them. If the write throws, every row
     * stays pending: the task fails, its transaction aborts, and the rows are still in the committed changelog.
     *
     * @return the clicks the writer refused (an event id already stored with other request fields)
     */
    public List<ClickRow> write() {
        List<K> keys = new ArrayList<>();
        List<R> rows = new ArrayList<>();
        try (KeyValueIterator<K, R> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<K, R> entry = all.next();
                keys.add(entry.key);
                rows.add(entry.value);
            }
        }
        if (rows.isEmpty()) {
            putSinceWrite = 0;
            return List.of();
        }
        List<ClickRow> refused = writer.write(toBatch.apply(rows));
        // Only now, with the rows committed in PostgreSQL, may the store forget them.
        keys.forEach(store::delete);
        putSinceWrite = 0;
        return refused;
    }
}
