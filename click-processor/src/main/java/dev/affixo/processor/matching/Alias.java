package dev.affixo.processor.matching;

import java.util.Objects;

/**
 * Value of {@code fingerprint-aliases}: the visitor a fingerprint points at, and the received_at of the cookie
 * click that pointed it there (a later cookie click re-points it; an older one does not).
 */
public record Alias(long updatedAtMillis, String visitorId) {

    public Alias {
        Objects.requireNonNull(visitorId, "visitorId");
    }
}
