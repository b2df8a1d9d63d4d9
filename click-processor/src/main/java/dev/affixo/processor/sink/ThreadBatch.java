package dev.affixo.processor.sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending rows of every task of one stream thread, written in one PostgreSQL transaction instead of one per task.
 *
 * <p>Why: each task wrote its own rows every {@code write-interval}, so a thread with 6 match and 6 sink tasks (12
 * partitions, 2 threads) ran up to 120 PostgreSQL transactions a second whatever the load, each a fixed ~10 round
 * trips (erasure lock, insert, velocity, totals, visitors, commit). Measured in the benchmark's light end-to-end
 * phase (330 clicks/s, 2 shared cores): 28 transactions a second per thread of 2.9 rows each, half of each stream
 * thread's time in writes, and clicks queued in front of the threads for a second (docs/click-processor.md,
 * "Latency"). With one write per thread: about 3 a second of 20 rows each at a similar rate.
 *
 * <p>How it stays exactly once: a task's rows are only ever <em>deleted</em> from its store by that task (its own
 * {@link PendingRows}), in its own processing or punctuation, so each delete goes out in the task's Kafka transaction
 * as before. A write here only stores rows in PostgreSQL and tells each member which of its rows are stored and which
 * were refused; the member deletes them and dead-letters the refusals at its next call (its own punctuation, at the
 * latest one write interval later). Until then a crash re-writes them from the changelog, which the idempotent upserts
 * make harmless, exactly as for a crash between a task's own write and its commit.
 *
 * <p>One per thread and writer (a thread-local): a task's {@link PendingRows} joins the batch of the thread that
 * processes or punctuates it, which is the only thread that touches its rows; tasks are processed only by the stream
 * thread that owns them.
 */
final class ThreadBatch {

    private static final Logger log = LoggerFactory.getLogger(ThreadBatch.class);
    private static final ThreadLocal<Map<RowWriter, ThreadBatch>> BY_WRITER =
            ThreadLocal.withInitial(IdentityHashMap::new);

    private final RowWriter writer;
    /** Synchronized only because a task may be closed from another thread than the one that ran it. */
    private final Set<PendingRows<?, ?>> members =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    private ThreadBatch(RowWriter writer) {
        this.writer = writer;
    }

    /** The batch of the calling thread for {@code writer}. */
    static ThreadBatch of(RowWriter writer) {
        return BY_WRITER.get().computeIfAbsent(writer, ThreadBatch::new);
    }

    void join(PendingRows<?, ?> member) {
        members.add(member);
    }

    void leave(PendingRows<?, ?> member) {
        members.remove(member);
    }

    /**
     * Writes {@code caller}'s rows and, in the same transaction, the pending rows of the other members while the batch
     * stays within {@code maxRows}. A member whose clicks share an event id with the batch waits for its own write: two
     * bodies of one event id must meet in two transactions, so that the second is refused by the stored first (in one
     * batch the writer would keep only one of them, and refuse neither).
     */
    void write(PendingRows<?, ?> caller, int maxRows) {
        List<PendingRows<?, ?>> taken = new ArrayList<>();
        List<ClickRow> clicks = new ArrayList<>();
        List<AliasRow> aliases = new ArrayList<>();
        Set<String> eventIds = new HashSet<>();
        Set<PendingRows<?, ?>> candidates = new LinkedHashSet<>();
        candidates.add(caller);
        synchronized (members) {
            candidates.addAll(members);
        }
        for (PendingRows<?, ?> member : candidates) {
            int pending = member.pendingCount();
            if (pending == 0 || (member != caller && clicks.size() + aliases.size() + pending > maxRows)) {
                continue;
            }
            RowBatch rows = member.pendingBatch();
            List<String> ids = rows.clicks().stream().map(c -> c.event().eventId()).toList();
            if (member != caller && ids.stream().anyMatch(eventIds::contains)) {
                continue;
            }
            eventIds.addAll(ids);
            clicks.addAll(rows.clicks());
            aliases.addAll(rows.aliases());
            taken.add(member);
        }
        // If this throws, no member is told anything: every row stays pending, and the caller's task fails.
        long started = System.nanoTime();
        List<ClickRow> refused = writer.write(new RowBatch(clicks, aliases));
        if (log.isDebugEnabled()) {
            log.debug("wrote {} clicks and {} aliases of {} tasks in one transaction in {} ms", clicks.size(),
                    aliases.size(), taken.size(), (System.nanoTime() - started) / 1_000_000);
        }
        for (PendingRows<?, ?> member : taken) {
            member.stored(refused);
        }
    }
}
