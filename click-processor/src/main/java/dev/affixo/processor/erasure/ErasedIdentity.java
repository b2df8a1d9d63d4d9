package dev.affixo.processor.erasure;

import dev.affixo.common.FieldDigest;
import java.util.HexFormat;

/**
 * How an erased visitor id or fingerprint is remembered: SHA-256 over (namespace, workspace, kind, value), never
 * the value. The sink hashes every click it writes the same way and looks the hashes up, so it can tell a click of
 * an erased person without {@code erased_identities} holding anything that names them. Persisted: the bytes fed for
 * a given identity must never change.
 */
public enum ErasedIdentity {
    /** A click's {@code visitor_id} or {@code canonical_visitor_id}: one kind, since either can name the other. */
    VISITOR("visitor"),
    FINGERPRINT("fingerprint");

    private static final String NAMESPACE = "affixo.erased-identity.v1";
    private static final HexFormat HEX = HexFormat.of();

    private final String wire;

    ErasedIdentity(String wire) {
        this.wire = wire;
    }

    public byte[] hash(long workspaceId, String value) {
        return new FieldDigest().text(NAMESPACE).number(workspaceId).text(wire).text(value).digest();
    }

    /** {@link #hash} as lower-case hex, the form the statements bind ({@code decode(…, 'hex')}). */
    public String hex(long workspaceId, String value) {
        return HEX.formatHex(hash(workspaceId, value));
    }
}
