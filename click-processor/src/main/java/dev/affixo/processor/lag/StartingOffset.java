package dev.affixo.processor.lag;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where the group's consumer starts reading a partition that has no usable committed offset, from its
 * {@code auto.offset.reset}: the Streams default {@code earliest} (the log start offset, which retention moves,
 * not 0), {@code latest} (the end: nothing is behind), or {@code by_duration:<ISO-8601>} (the first record at or
 * after now minus the duration; the end when there is none). Parsed here rather than with the client's own
 * {@code AutoOffsetResetStrategy}, which lives in an {@code internals} package.
 */
record StartingOffset(Kind kind, Duration lookBack) {

    enum Kind { EARLIEST, LATEST, BY_DURATION, NONE }

    static final String CONFIG = "auto.offset.reset";
    private static final String BY_DURATION = "by_duration:";

    /**
     * The main consumer's {@code auto.offset.reset} as Kafka Streams resolves it: {@code main.consumer.} before
     * {@code consumer.} before the plain name, else Streams' own default, {@code earliest}.
     */
    static StartingOffset of(Map<?, ?> streamsConfig) {
        for (String key : new String[] {"main.consumer." + CONFIG, "consumer." + CONFIG, CONFIG}) {
            Object value = streamsConfig.get(key);
            if (value != null) {
                return parse(value.toString());
            }
        }
        return parse("earliest");
    }

    static StartingOffset parse(String policy) {
        String p = policy.trim().toLowerCase(Locale.ROOT);
        if (p.startsWith(BY_DURATION)) {
            return new StartingOffset(Kind.BY_DURATION, Duration.parse(policy.trim().substring(BY_DURATION.length())));
        }
        return switch (p) {
            case "earliest" -> new StartingOffset(Kind.EARLIEST, null);
            case "latest" -> new StartingOffset(Kind.LATEST, null);
            // the consumer refuses to start such a partition; what is there to read is what a reset would need
            case "none" -> new StartingOffset(Kind.NONE, null);
            default -> throw new IllegalArgumentException("auto.offset.reset: unknown policy " + policy);
        };
    }

    /**
     * Records the group still has to read on one partition.
     *
     * @param committed   the group's committed offset, or null when it has none
     * @param logStart    the partition's log start offset
     * @param end         its end offset (read_committed: the last stable offset)
     * @param byTimestamp for {@code by_duration}: the offset of the first record at or after now minus the
     *                    duration, or null when there is none; ignored otherwise
     */
    long behind(Long committed, long logStart, long end, Long byTimestamp) {
        // a committed offset that retention has deleted past is out of range: the consumer resets it too
        long from = committed != null && committed >= logStart ? committed : resetPosition(logStart, end, byTimestamp);
        return Math.max(0, end - from);
    }

    private long resetPosition(long logStart, long end, Long byTimestamp) {
        return switch (kind) {
            case EARLIEST, NONE -> logStart;
            case LATEST -> end;
            case BY_DURATION -> byTimestamp == null ? end : Math.max(logStart, byTimestamp);
        };
    }
}
