package dev.affixo.processor.deadletter;

/** Headers on every dead-letter record; the value is the original record value, untouched. */
public final class DeadLetterHeaders {

    /** Why the record was rejected, in words. */
    public static final String REASON = "affixo.dlq.reason";
    /** Why, from a fixed set ({@link DeadLetterReason}): the reason tag of the dead-letter counter. */
    public static final String REASON_CODE = "affixo.dlq.reason-code";
    /** Which step rejected it: decode, match, dedup. */
    public static final String STEP = "affixo.dlq.step";
    /** When it was rejected, ISO-8601 UTC. */
    public static final String TIMESTAMP = "affixo.dlq.timestamp";
    /** Where the original record is: {@code topic-partition@offset}. */
    public static final String SOURCE = "affixo.dlq.source";

    private DeadLetterHeaders() {
    }
}
