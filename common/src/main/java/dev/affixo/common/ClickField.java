package dev.affixo.common;

/**
 * The text fields a client sends with a click and their length limits, counted in Unicode code points, so a
 * visitor id of 128 emoji fits just as one of 128 ASCII letters does.
 *
 * <p>The ingest API refuses a request whose field breaks these rules; the click-processor applies the same
 * rules to every event it reads before writing anything, so what one accepts the other can store.
 */
public enum ClickField {
    REF("ref", 128),
    VISITOR_ID("visitor_id", 128),
    FINGERPRINT("fingerprint", 256),
    URL("url", 2048),
    REFERRER("referrer", 2048),
    USER_AGENT("user_agent", 1024);

    private final String jsonName;
    private final int maxCodePoints;
    private final String tooLong;

    ClickField(String jsonName, int maxCodePoints) {
        this.jsonName = jsonName;
        this.maxCodePoints = maxCodePoints;
        this.tooLong = "longer than " + maxCodePoints + " code points";
    }

    /** The member name in the request body and in the event's wire format. */
    public String jsonName() {
        return jsonName;
    }

    public int maxCodePoints() {
        return maxCodePoints;
    }

    /**
     * Why {@code value} may not be stored in this field, or null when it may: not Unicode text (see
     * {@link ClickText#unicodeProblem(String)}) or longer than {@link #maxCodePoints()}. Returns a constant
     * or a precomputed string: checking allocates nothing.
     */
    public String problem(String value) {
        int codePoints = ClickText.codePointsIfUnicode(value);
        if (codePoints < 0) {
            return ClickText.problemOf(codePoints);
        }
        return codePoints > maxCodePoints ? tooLong : null;
    }

    /** {@code "<field>: <reason>"} as the API's {@code detail} and the dead letter's reason, or null when valid. */
    public String detail(String value) {
        String problem = problem(value);
        return problem == null ? null : jsonName + ": " + problem;
    }
}
