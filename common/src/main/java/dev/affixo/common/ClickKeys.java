package dev.affixo.common;

/**
 * Record keys of the accepted-clicks topic.
 *
 * <p>Visitor matching has to see, on one partition, every click that could make or use a fingerprint
 * alias. A fingerprint alias is created by a click carrying both a visitor id and a fingerprint and used
 * by a later fingerprint-only click, so any click with a fingerprint is keyed by (workspace, fingerprint);
 * a click without one is keyed by (workspace, visitor id). The processor re-keys by canonical visitor
 * before dedup. The workspace id always leads, so workspaces never share state even when their
 * fingerprints or visitor ids collide.
 */
public final class ClickKeys {

    private ClickKeys() {
    }

    public static String recordKey(ClickEvent event) {
        return event.fingerprint() != null
                ? fingerprintKey(event.workspaceId(), event.fingerprint())
                : visitorKey(event.workspaceId(), event.visitorId());
    }

    public static String fingerprintKey(long workspaceId, String fingerprint) {
        return workspaceId + ":f:" + fingerprint;
    }

    public static String visitorKey(long workspaceId, String visitorId) {
        return workspaceId + ":v:" + visitorId;
    }
}
