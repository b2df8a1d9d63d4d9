package dev.affixo.common;

/** A record on the accepted-clicks topic that is not a click event this code can read. */
public class UnreadableEventException extends RuntimeException {

    public UnreadableEventException(String reason) {
        super(reason, null, false, false);
    }
}
