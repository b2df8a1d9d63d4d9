package dev.affixo.e2e.roundtrip;

/** The request fields of the contract with their limits in Unicode code points (openapi.yaml). */
public enum ClickField {
    REF("ref", 128),
    VISITOR_ID("visitor_id", 128),
    FINGERPRINT("fingerprint", 256),
    URL("url", 2048),
    REFERRER("referrer", 2048);

    public final String wireName;
    public final int maxCodePoints;

    ClickField(String wireName, int maxCodePoints) {
        this.wireName = wireName;
        this.maxCodePoints = maxCodePoints;
    }

    public static boolean isFieldName(String name) {
        for (ClickField field : values()) {
            if (field.wireName.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
