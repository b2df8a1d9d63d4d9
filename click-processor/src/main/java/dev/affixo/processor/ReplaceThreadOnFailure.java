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
        log.error("Stream thread failed; replacing it in {} ms", backoff.toMillis(), exception);
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
