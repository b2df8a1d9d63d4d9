package dev.affixo.ingest.click;

import dev.affixo.common.Ids;
import dev.affixo.common.MatchMethod;

/**
 * The synchronous, stateless visitor assignment the API replies with: the caller's cookie, else an id
 * derived from the fingerprint, else a new one. The processor later resolves the canonical visitor
 * asynchronously; this is only what the caller should store as its cookie.
 */
record VisitorAssignment(String visitorId, MatchMethod method, double confidence) {

    static final String FINGERPRINT_NAMESPACE = "affixo.visitor.fingerprint";
    static final String IDEMPOTENT_VISITOR_NAMESPACE = "affixo.visitor.idempotency";

    /**
     * @param idempotencyKey when present, a minted visitor id is derived from (workspace, key) so the
     *                       retried request gets the identical reply
     */
    static VisitorAssignment assign(long workspaceId, ClickRequest request, String idempotencyKey,
                                           double fingerprintConfidence) {
        if (request.visitorId() != null) {
            return new VisitorAssignment(request.visitorId(), MatchMethod.COOKIE, 1.0);
        }
        if (request.fingerprint() != null) {
            String id = Ids.nameBased(FINGERPRINT_NAMESPACE, Long.toString(workspaceId), request.fingerprint()).toString();
            return new VisitorAssignment(id, MatchMethod.FINGERPRINT, fingerprintConfidence);
        }
        String minted = idempotencyKey != null
                ? Ids.nameBased(IDEMPOTENT_VISITOR_NAMESPACE, Long.toString(workspaceId), idempotencyKey).toString()
                : Ids.newTimeOrdered().toString();
        return new VisitorAssignment(minted, MatchMethod.NEW, 0.0);
    }
}
