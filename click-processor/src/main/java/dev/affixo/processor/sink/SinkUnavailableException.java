package dev.affixo.processor.sink;

/**
 * PostgreSQL did not take a batch within the retry budget. Never a dead letter: it fails the stream
 * task before offsets are committed, so the records are processed again once the database is back.
 */
public class SinkUnavailableException extends RuntimeException {

    public SinkUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
