package dev.affixo.ingest.ratelimit;

import org.springframework.http.HttpHeaders;

/**
 * The outcome of one rate-limit check and the headers that describe it (IETF draft
 * "RateLimit header fields for HTTP"): {@code RateLimit-Policy: "per-key";q=600;w=60} and
 * {@code RateLimit: "per-key";r=<remaining>;t=<seconds until the window resets>}.
 */
public record RateLimitDecision(boolean allowed, int limit, int remaining, long resetSeconds, long windowSeconds) {

    public void writeHeaders(HttpHeaders headers) {
        headers.set("RateLimit-Policy", "\"per-key\";q=" + limit + ";w=" + windowSeconds);
        headers.set("RateLimit", "\"per-key\";r=" + remaining + ";t=" + resetSeconds);
        if (!allowed) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, resetSeconds)));
        }
    }
}
