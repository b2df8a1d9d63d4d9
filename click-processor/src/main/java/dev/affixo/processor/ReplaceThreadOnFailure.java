package dev.affixo.processor;

import java.time.Duration;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread that dies — in practice because PostgreSQL refused a batch for longer than the retry
 * budget — is replaced, after a pause so an outage is not a hot restart loop. Its transaction was aborted
 * and its offsets not committed, so the new thread resumes from the last commit: nothing lost, and the
 * upserts make the rows written twice land on the same rows. Unreadable records never get here: they are
 * dead letters.
 */
final class ReplaceThreadOnFailure implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ReplaceThreadOnFailure.class);

    private final Duration backoff;

    ReplaceThreadOnFailure(Duration backoff) {
        this.backoff = backoff;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        if (isPartitionMismatch(exception)) {
            // Streams' own late notice that the topic grew (at a rebalance): a new thread would fail the same way,
            // forever. Stop the client; the partition guard's message says what to do.
            log.error("Internal topics no longer match the accepted-clicks topic's partitions; stopping the client. "
                    + "See {}", PartitionGuard.GROWTH_SECTION, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        log.error("Stream thread failed; replacing it in {} ms", backoff.toMillis(), exception);
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** InternalTopicManager's "Existing internal topic … has invalid partitions" (Kafka 4.1), anywhere in the chain. */
    static boolean isPartitionMismatch(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("has invalid partitions")) {
                return true;
            }
        }
        return false;
    }
}
