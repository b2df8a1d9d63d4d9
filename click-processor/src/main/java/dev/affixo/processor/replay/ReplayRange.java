package dev.affixo.processor.replay;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * Which rows a replay may rewrite: clicks received in {@code [from, to)}. {@code from} may be
 * {@link Instant#MIN} ("earliest": the beginning of retention).
 */
public record ReplayRange(Instant from, Instant to) {

    public ReplayRange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from must be before --to (" + from + " >= " + to + ")");
        }
    }

    public boolean contains(Instant t) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    public boolean fromEarliest() {
        return from.equals(Instant.MIN);
    }

    /** {@code earliest} or an ISO-8601 instant such as {@code 2026-11-24T08:00:00Z}. */
    static Instant parseFrom(String value) {
        return "earliest".equalsIgnoreCase(value) ? Instant.MIN : parseInstant("--from", value);
    }

    static Instant parseInstant(String option, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an ISO-8601 instant like 2026-11-24T08:00:00Z"
                    + ("--from".equals(option) ? " or 'earliest'" : "") + ", not '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return "[" + (fromEarliest() ? "earliest" : from.toString()) + ", " + to + ")";
    }
}
