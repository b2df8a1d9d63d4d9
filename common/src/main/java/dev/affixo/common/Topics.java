package dev.affixo.common;

/** Default topic names. Both services let the operator override them; these are what they agree on out of the box. */
public final class Topics {

    /** Every click the API answered 200 for; the durable, replayable log. */
    public static final String ACCEPTED_CLICKS = "affixo.clicks.accepted";

    /** Records the processor could not read or process, with the reason in headers. */
    public static final String DEAD_LETTERS = "affixo.clicks.dead-letter";

    private Topics() {
    }
}
