package dev.affixo.processor.sink;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a failed write with doubling backoff for at most {@code budget}, then gives up with
 * {@link SinkUnavailableException}. The budget must stay well below the Streams producer's transaction
 * timeout, because the write runs while the task's transaction is open (in a punctuation) (docs/click-processor.md,
 * "PostgreSQL outages").
 */
public final class RetryingRowWriter implements RowWriter {

    private static final Logger log = LoggerFactory.getLogger(RetryingRowWriter.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 1_000;

    private final RowWriter delegate;
    private final long budgetNanos;

    public RetryingRowWriter(RowWriter delegate, Duration budget) {
        this.delegate = delegate;
        this.budgetNanos = budget.toNanos();
    }

    @Override
    public List<ClickRow> write(RowBatch batch) {
        long deadline = System.nanoTime() + budgetNanos;
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                List<ClickRow> refused = delegate.write(batch);
                if (attempt > 1) {
                    log.info("Wrote {} rows after {} attempts", batch.size(), attempt);
                }
                return refused;
            } catch (RuntimeException e) {
                if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                    throw new SinkUnavailableException(
                            "could not write " + batch.size() + " rows after " + attempt + " attempts", e);
                }
                log.warn("Writing {} rows failed (attempt {}), retrying in {} ms: {}", batch.size(), attempt, backoff,
                        e.toString());
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while waiting to retry a write", e);
        }
    }
}
