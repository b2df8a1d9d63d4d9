package dev.affixo.e2e.roundtrip;

import java.util.Set;

/**
 * The oracle's answer for one request.
 *
 * @param status       the HTTP status
 * @param error        the {@code error} code, or null for a 200
 * @param detailFields for {@code invalid_request}: the fields a {@code detail} may name (any one of them when several
 *                     are wrong, since the contract fixes no order among fields)
 * @param accepted     for a 200: the decoded values; {@code visitorId} is null when the API mints or derives it
 * @param matchMethod  for a 200: {@code cookie}, {@code fingerprint} or {@code new}
 */
public record Expected(int status, String error, Set<String> detailFields, Accepted accepted, String matchMethod) {

    /** The decoded request fields of an accepted click. */
    public record Accepted(String ref, String visitorId, String fingerprint, String url, String referrer) {
    }

    static Expected error(int status, String error) {
        return new Expected(status, error, Set.of(), null, null);
    }

    static Expected invalidRequest(Set<String> fields) {
        return new Expected(400, "invalid_request", fields, null, null);
    }

    static Expected ok(Accepted accepted) {
        String method = accepted.visitorId() != null ? "cookie" : accepted.fingerprint() != null ? "fingerprint" : "new";
        return new Expected(200, null, Set.of(), accepted, method);
    }

    /** the contract: 1.0 for a cookie, the configured fingerprint confidence (default 0.8, as these tests run), 0.0 for new. */
    public double matchConfidence() {
        return switch (matchMethod) {
            case "cookie" -> 1.0;
            case "fingerprint" -> 0.8;
            default -> 0.0;
        };
    }

    @Override
    public String toString() {
        if (status == 200) {
            return "200 " + matchMethod;
        }
        return status + " " + error + (detailFields.isEmpty() ? "" : " " + detailFields);
    }
}
