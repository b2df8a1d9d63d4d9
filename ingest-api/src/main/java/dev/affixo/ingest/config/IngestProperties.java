package dev.affixo.ingest.config;

import dev.affixo.common.Topics;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Our own settings for the ingest API ({@code affixo.ingest.*}, or {@code AFFIXO_INGEST_*} in the
 * environment). Kafka client settings are not here: they pass through {@code spring.kafka.*} untouched.
 *
 * @param acceptedTopic            topic every accepted click is published to; created beforehand by
 *                                 {@code affixo-admin topics create}, never by the API
 * @param maxBodyBytes             larger request bodies are answered 413
 * @param requestTimeout           every request is answered within this (503 once exceeded)
 * @param fingerprintConfidence    match_confidence replied for a fingerprint-only click
 * @param cacheRefreshInterval     how often key and link changes are read from PostgreSQL
 * @param negativeCacheTtl         how long "no such key / no such ref" is remembered
 * @param keyCacheMaxEntries       bound of the API key cache
 * @param linkCacheMaxEntries      bound of the link cache
 * @param rateLimiterMaxKeys       bound of the map of per-key rate limiters
 * @param dbLookupThreads          threads that run cache-miss queries (never the event loop)
 * @param dbLookupQueue            queued cache-miss queries before the API answers 503
 * @param retryAfterSeconds        Retry-After sent with 503
 * @param idempotencyKeyRetention  how long an Idempotency-Key stays bound to its first body (422 for another)
 * @param idempotencyCheckTimeout  longest wait for that binding; past it the click is accepted unchecked
 */
@Validated
@ConfigurationProperties("affixo.ingest")
public record IngestProperties(
        @DefaultValue(Topics.ACCEPTED_CLICKS) @NotBlank String acceptedTopic,
        @DefaultValue("16384") @Min(1) int maxBodyBytes,
        @DefaultValue("5s") Duration requestTimeout,
        @DefaultValue("0.8") @DecimalMin("0.0") @DecimalMax("1.0") double fingerprintConfidence,
        @DefaultValue("1s") Duration cacheRefreshInterval,
        @DefaultValue("2s") Duration negativeCacheTtl,
        @DefaultValue("100000") @Min(1) int keyCacheMaxEntries,
        @DefaultValue("500000") @Min(1) int linkCacheMaxEntries,
        @DefaultValue("100000") @Min(1) int rateLimiterMaxKeys,
        @DefaultValue("4") @Min(1) int dbLookupThreads,
        @DefaultValue("1000") @Min(1) int dbLookupQueue,
        @DefaultValue("1") @Min(1) int retryAfterSeconds,
        @DefaultValue("24h") Duration idempotencyKeyRetention,
        @DefaultValue("500ms") Duration idempotencyCheckTimeout) {
}
