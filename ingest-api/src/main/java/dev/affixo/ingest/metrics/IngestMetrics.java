package dev.affixo.ingest.metrics;

import dev.affixo.ingest.error.ApiError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Request outcomes and latency. Meters are created once at start so the hot path only increments:
 * {@code affixo_ingest_requests_total{outcome="accepted"|<error code>}},
 * {@code affixo_ingest_request_seconds{outcome}} (histogram, receipt to reply),
 * {@code affixo_ingest_publish_seconds{outcome}} (click handed to the publisher until Kafka's answer), and on the 429 path
 * {@code affixo_ingest_rate_limited_total{key_id}} (bounded: see {@link #rateLimited}). A batch ({@code POST /v1/track/clicks}) refused as a whole counts
 * in the request meters like a single click; a batch answered 200 counts in
 * {@code affixo_ingest_batch_seconds} (receipt to reply) and each of its items in
 * {@code affixo_ingest_batch_items_total{outcome="accepted"|<error code>}}.
 */
@Component
public class IngestMetrics {

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Timer acceptedLatency;
    private final Map<ApiError, Counter> rejected = new EnumMap<>(ApiError.class);
    private final Map<ApiError, Timer> rejectedLatency = new EnumMap<>(ApiError.class);
    private final Timer publishAcknowledged;
    private final Timer publishFailed;
    private final Timer batchAnswered;
    private final Counter batchItemAccepted;
    private final Map<ApiError, Counter> batchItemRejected = new EnumMap<>(ApiError.class);
    private final Map<Long, Counter> rateLimitedByKey = new ConcurrentHashMap<>();
    private final Counter rateLimitedOther;

    /** Keys that get their own {@code affixo_ingest_rate_limited_total} series; see {@link #rateLimited}. */
    public static final int MAX_RATE_LIMITED_SERIES = 100;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = counter(registry, "accepted");
        this.acceptedLatency = timer(registry, "affixo.ingest.request", "accepted");
        this.publishAcknowledged = timer(registry, "affixo.ingest.publish", "acknowledged");
        this.publishFailed = timer(registry, "affixo.ingest.publish", "failed");
        this.batchAnswered = timer(registry, "affixo.ingest.batch", "answered");
        this.batchItemAccepted = batchItemCounter(registry, "accepted");
        this.rateLimitedOther = rateLimitedCounter("other");
        for (ApiError error : ApiError.values()) {
            rejected.put(error, counter(registry, error.code()));
            rejectedLatency.put(error, timer(registry, "affixo.ingest.request", error.code()));
            batchItemRejected.put(error, batchItemCounter(registry, error.code()));
        }
    }

    public void accepted(long startNanos) {
        accepted.increment();
        acceptedLatency.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void rejected(ApiError error, long startNanos) {
        rejected.get(error).increment();
        rejectedLatency.get(error).record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A batch answered 200, whatever its items' outcomes. */
    public void batchAnswered(long startNanos) {
        batchAnswered.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** One item of a batch answered: accepted when {@code error} is null. */
    public void batchItem(ApiError error) {
        (error == null ? batchItemAccepted : batchItemRejected.get(error)).increment();
    }

    /** A publish answered by Kafka: {@code affixo_ingest_publish_seconds{outcome="acknowledged"}}. */
    public void publishAcknowledged(long startNanos) {
        publishAcknowledged.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A publish that failed or was refused: {@code affixo_ingest_publish_seconds{outcome="failed"}}. */
    public void publishFailed(long startNanos) {
        publishFailed.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * One more 429 for this key: {@code affixo_ingest_rate_limited_total{key_id}}. Only keys that actually
     * hit their limit get a series, and only the first {@link #MAX_RATE_LIMITED_SERIES} of them in this process:
     * every later key counts under {@code key_id="other"}. A key id is an unbounded label value (one series per
     * key, up to the key cache's 100 000), and a scrape that grows with the customer count is what takes
     * Prometheus down; the keys that hit their limit first are, in practice, the ones worth a series.
     */
    public void rateLimited(long keyId) {
        Counter counter = rateLimitedByKey.get(keyId);
        if (counter == null) {
            counter = rateLimitedByKey.size() < MAX_RATE_LIMITED_SERIES
                    ? rateLimitedByKey.computeIfAbsent(keyId, id -> rateLimitedCounter(Long.toString(id)))
                    : rateLimitedOther;
        }
        counter.increment();
    }

    private Counter rateLimitedCounter(String keyId) {
        return Counter.builder("affixo.ingest.rate_limited")
                .description("429 answers by API key (the first " + MAX_RATE_LIMITED_SERIES + " keys; then \"other\")")
                .tag("key_id", keyId)
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("affixo.ingest.requests")
                .description("Click requests by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static Counter batchItemCounter(MeterRegistry registry, String outcome) {
        return Counter.builder("affixo.ingest.batch.items")
                .description("Items of batches answered 200, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static Timer timer(MeterRegistry registry, String name, String outcome) {
        return Timer.builder(name)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }
}
