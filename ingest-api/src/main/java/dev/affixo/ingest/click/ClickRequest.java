package dev.affixo.ingest.click;

/** A validated request body of {@code POST /v1/track/click}; optional fields are null when absent. */
record ClickRequest(String ref, String visitorId, String fingerprint, String url, String referrer) {
}
