package dev.affixo.processor.dedup;

/** The label every stored click carries; the wire value is what the {@code clicks.classification} column holds. */
public enum Classification {
    UNIQUE("unique"),
    DUPLICATE("duplicate");

    private final String wire;

    Classification(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
