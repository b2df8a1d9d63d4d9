package dev.affixo.common;

/**
 * The W3C trace context on a click's way: the API reads it from the request and writes it into the record's headers,
 * the processor reads it from there (docs/tracing.md).
 *
 * <p>The W3C {@code traceparent} header ({@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}), read just
 * enough to decide without allocating: whether it is well formed and whether its sampled flag is set. The full
 * parse (trace state included) is OpenTelemetry's propagator's, and only for a request that will be traced.
 */
public final class TraceParent {

    public static final String HEADER = "traceparent";
    public static final String STATE_HEADER = "tracestate";
    /** Well formed, sampled flag set. */
    public static final int SAMPLED = 1;
    /** Well formed, sampled flag unset: the caller decided not to record this trace. */
    public static final int NOT_SAMPLED = 0;
    /** Absent or malformed: ignored, as the W3C recommendation says (a new trace may start). */
    public static final int INVALID = -1;

    private TraceParent() {
    }

    /** {@link #SAMPLED}, {@link #NOT_SAMPLED} or {@link #INVALID}. */
    public static int read(String header) {
        // Version 00 is exactly 55 characters; a later version may append fields after a '-' (W3C, "Versioning").
        if (header == null || header.length() < 55 || (header.length() > 55 && header.charAt(55) != '-')) {
            return INVALID;
        }
        if (!isHex(header, 0, 2) || header.startsWith("ff") || (header.startsWith("00") && header.length() != 55)
                || header.charAt(2) != '-' || header.charAt(35) != '-' || header.charAt(52) != '-'
                || !isHex(header, 3, 35) || !isHex(header, 36, 52) || !isHex(header, 53, 55)
                || allZero(header, 3, 35) || allZero(header, 36, 52)) {
            return INVALID;
        }
        return (Character.digit(header.charAt(54), 16) & 1) == 1 ? SAMPLED : NOT_SAMPLED;
    }

    /** Lower-case hex only, as the specification requires. */
    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
