package dev.affixo.common;

/**
 * What "a string field is Unicode text" means for a click, in one place for both services.
 *
 * <p>A Java string is UTF-16 and can hold what PostgreSQL {@code text} cannot: U+0000 (refused outright)
 * and unpaired surrogates (written as {@code '?'}, so the stored value would differ from the accepted one).
 * A click carrying either is refused by the API and dead-lettered by the processor, never altered.
 */
public final class ClickText {

    public static final String CONTAINS_NUL = "contains U+0000";
    public static final String UNPAIRED_SURROGATE = "contains an unpaired surrogate";

    /** The {@code Idempotency-Key} header: 1 to this many printable ASCII characters. */
    public static final int MAX_IDEMPOTENCY_KEY = 255;
    public static final String IDEMPOTENCY_KEY_LENGTH = "must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters";
    public static final String IDEMPOTENCY_KEY_ASCII = "must be printable ASCII";

    /** Markers {@link #codePointsIfUnicode(String)} returns instead of a count. */
    private static final int HAS_NUL = -1;
    private static final int HAS_UNPAIRED_SURROGATE = -2;

    private ClickText() {
    }

    /** True when {@code value} is Unicode text PostgreSQL stores unchanged: no U+0000, no unpaired surrogate. */
    public static boolean isUnicodeText(String value) {
        return codePointsIfUnicode(value) >= 0;
    }

    /** {@link #CONTAINS_NUL}, {@link #UNPAIRED_SURROGATE}, or null when {@code value} is Unicode text. */
    public static String unicodeProblem(String value) {
        return problemOf(codePointsIfUnicode(value));
    }

    /** Why {@code key} is not a valid {@code Idempotency-Key}, or null when it is. */
    public static String idempotencyKeyProblem(String key) {
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
            return IDEMPOTENCY_KEY_LENGTH;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return IDEMPOTENCY_KEY_ASCII;
            }
        }
        return null;
    }

    /**
     * The first field of {@code event} the API would not have accepted, as {@code "<field>: <reason>"}, or
     * null when every text field is valid. Fields are checked in wire order so the answer is deterministic.
     */
    public static String firstProblem(ClickEvent event) {
        String detail = detailIfPresent(ClickField.REF, event.ref());
        if (detail == null) {
            detail = detailIfPresent(ClickField.VISITOR_ID, event.visitorId());
        }
        if (detail == null) {
            detail = detailIfPresent(ClickField.FINGERPRINT, event.fingerprint());
        }
        if (detail == null) {
            detail = detailIfPresent(ClickField.URL, event.url());
        }
        if (detail == null) {
            detail = detailIfPresent(ClickField.REFERRER, event.referrer());
        }
        if (detail == null && event.idempotencyKey() != null) {
            String problem = idempotencyKeyProblem(event.idempotencyKey());
            detail = problem == null ? null : "idempotency_key: " + problem;
        }
        if (detail == null) {
            detail = detailIfPresent(ClickField.USER_AGENT, event.origin().userAgent());
        }
        return detail;
    }

    private static String detailIfPresent(ClickField field, String value) {
        return value == null ? null : field.detail(value);
    }

    /**
     * The number of code points in {@code value} when it is Unicode text, else a negative marker for
     * {@link #problemOf(int)}: one pass serves both the text check and the length limit.
     */
    static int codePointsIfUnicode(String value) {
        int count = 0;
        for (int i = 0, n = value.length(); i < n; i++, count++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return HAS_NUL;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return HAS_UNPAIRED_SURROGATE;
            }
        }
        return count;
    }

    /** The reason for a result of {@link #codePointsIfUnicode(String)}, or null for a count. */
    static String problemOf(int codePointsOrMarker) {
        return switch (codePointsOrMarker) {
            case HAS_NUL -> CONTAINS_NUL;
            case HAS_UNPAIRED_SURROGATE -> UNPAIRED_SURROGATE;
            default -> null;
        };
    }
}
