package dev.affixo.common;

/** How a visitor id was assigned. The wire value is the lower-case name used by the API and the database. */
public enum MatchMethod {
    /** The caller sent its first-party cookie ({@code visitor_id}). */
    COOKIE("cookie"),
    /** Only a fingerprint was sent; the id is derived from (workspace, fingerprint) or an alias of it. */
    FINGERPRINT("fingerprint"),
    /** Nothing identified the visitor; a new id was minted. */
    NEW("new");

    private final String wire;

    MatchMethod(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static MatchMethod fromWire(String value) {
        for (MatchMethod m : values()) {
            if (m.wire.equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown match_method: " + value);
    }
}
