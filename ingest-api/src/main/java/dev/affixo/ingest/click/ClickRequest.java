package dev.affixo.ingest.click;

import dev.affixo.common.ClickOrigin;

/**
 * A validated request body of {@code POST /v1/track/click}; optional fields are null when absent. The request's
 * {@code ip} is not here: only what {@code origin} keeps of it (prefix, keyed hash, database facts).
 */
record ClickRequest(String ref, String visitorId, String fingerprint, String url, String referrer,
                    ClickOrigin origin) {
}
