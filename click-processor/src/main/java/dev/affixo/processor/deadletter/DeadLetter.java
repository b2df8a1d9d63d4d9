package dev.affixo.processor.deadletter;

import java.util.Objects;

/**
 * A record a step could not read or process.
 *
 * @param original the accepted-clicks record value, byte for byte (what goes to the dead-letter topic)
 * @param source   {@code topic-partition@offset} of the original record
 * @param step     the step that gave up: {@code decode}, {@code match}, {@code dedup}
 * @param code     why, from a fixed set (metric tag, {@code affixo.dlq.reason-code} header)
 * @param reason   a short, human-readable reason ({@code affixo.dlq.reason} header)
 */
public record DeadLetter(byte[] original, String source, String step, DeadLetterReason code, String reason) {

    public DeadLetter {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(code, "code");
        reason = reason == null ? "unknown error" : reason;
    }
}
