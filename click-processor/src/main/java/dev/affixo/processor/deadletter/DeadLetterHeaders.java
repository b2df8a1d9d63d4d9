package dev.affixo.processor.deadletter;

/** Headers on every dead-letter record; the value is the original record value, untouched. */
public final class DeadLetterHeaders {

    /** Why the record was rejected. */
    public static final String REASON = "affixo.dlq.reason";
    /** Which step rejected it: decode, match, dedup. */
    public static final String STEP = "affixo.dlq.step";
    /** When it was rejected, ISO-8601 UTC. */
    public static final String TIMESTAMP = "affixo.dlq.timestamp";
    /** Where the original record is: {@code topic-partition@offset}. */
    public static final String SOURCE = "affixo.dlq.source";

    private DeadLetterHeaders() {
    }
}
