package dev.affixo.processor.deadletter;

/**
 * Why a record became a dead letter, as a small fixed set: the {@code reason} tag of
 * {@code affixo_processor_dead_letters_total} and the {@code affixo.dlq.reason-code} header. The free-text
 * {@code affixo.dlq.reason} header says exactly what was wrong (it can quote the record, so it cannot be a
 * metric label).
 */
public enum DeadLetterReason {

    /**
     * The bytes are not a click event this processor reads: empty, not JSON, unknown format version, a field
     * missing or of the wrong type.
     */
    UNREADABLE("unreadable"),
    /**
     * A readable event that could not be stored exactly as accepted: event id not a canonical UUID, or a text
     * field the API would have refused (U+0000, an unpaired surrogate, over its limit in code points).
     */
    UNSTORABLE("unstorable"),
    /** Matching or dedup threw on the event: a bug or corrupt state; the reason header has the message. */
    PROCESSING_FAILED("processing_failed"),
    /**
     * The event id is already stored with other request fields: the client used one Idempotency-Key for two
     * bodies while the ingest API could not check it. The first stored click stays; this one is not stored.
     */
    IDEMPOTENCY_KEY_REUSED("idempotency_key_reused");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** The value of the metric tag and of the reason-code header. */
    public String code() {
        return code;
    }
}
