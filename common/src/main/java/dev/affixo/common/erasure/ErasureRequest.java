package dev.affixo.common.erasure;

import dev.affixo.common.ClickField;
import dev.affixo.common.Ids;
import java.util.UUID;

/**
 * A request to erase a visitor (SPEC §7.4), as the ingest API's {@code DELETE /v1/visitors/{visitor_id}} and the
 * admin CLI's {@code visitor erase} both record it: one row in {@code visitor_erasures}, applied by the click
 * processor within seconds (docs/privacy.md). Both go through {@link #INSERT}, so the API and the CLI can never
 * record an erasure two different ways.
 *
 * @param keyId the API key that asked, or null when the admin CLI did
 */
public record ErasureRequest(UUID erasureId, long workspaceId, Long keyId, String visitorId) {

    /**
     * Binds {@code :erasureId, :workspaceId, :keyId, :visitorId}. {@code requested_at} is the database's clock, the
     * one clock every click sink compares against (clicks received before it are the erased ones).
     */
    public static final String INSERT = """
            insert into visitor_erasures (erasure_id, workspace_id, key_id, pending_visitor_id)
            values (:erasureId, :workspaceId, :keyId, :visitorId)
            """;

    /** A new request with a fresh, time-ordered erasure id; {@code visitorId} must have no {@link #problem}. */
    public static ErasureRequest of(long workspaceId, Long keyId, String visitorId) {
        String problem = problem(visitorId);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new ErasureRequest(Ids.newTimeOrdered(), workspaceId, keyId, visitorId);
    }

    /**
     * Why {@code visitorId} cannot be a visitor id, or null when it can: the rules of a click's {@code visitor_id}
     * (non-empty Unicode text of at most 128 code points), so every id the API ever replied with can be erased.
     */
    public static String problem(String visitorId) {
        if (visitorId == null || visitorId.isEmpty()) {
            return "must not be empty";
        }
        return ClickField.VISITOR_ID.problem(visitorId);
    }
}
