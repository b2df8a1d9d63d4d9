package dev.affixo.common.keys;

/** Workspace keys ({@code sa_live_…}) may track; affiliate keys ({@code refa_live_…}) never can. */
public enum KeyKind {
    WORKSPACE("workspace"),
    AFFILIATE("affiliate");

    private final String dbValue;

    KeyKind(String dbValue) {
        this.dbValue = dbValue;
    }

    public String dbValue() {
        return dbValue;
    }

    public static KeyKind fromDb(String value) {
        return "affiliate".equals(value) ? AFFILIATE : WORKSPACE;
    }
}
