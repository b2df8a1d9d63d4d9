package dev.affixo.ingest.metrics;

import dev.affixo.ingest.error.ApiError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Request outcomes and latency. Meters are created once at start so the hot path only increments:
 * {@code affixo_ingest_requests_total{outcome="accepted"|<error code>}} and
 * {@code affixo_ingest_request_seconds{outcome}} (histogram).
 */
@Component
public class IngestMetrics {

    private final Counter accepted;
    private final Timer acceptedLatency;
    private final Map<ApiError, Counter> rejected = new EnumMap<>(ApiError.class);
    private final Map<ApiError, Timer> rejectedLatency = new EnumMap<>(ApiError.class);

    public IngestMetrics(MeterRegistry registry) {
        this.accepted = counter(registry, "accepted");
        this.acceptedLatency = timer(registry, "accepted");
        for (ApiError error : ApiError.values()) {
            rejected.put(error, counter(registry, error.code()));
            rejectedLatency.put(error, timer(registry, error.code()));
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

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("affixo.ingest.requests")
                .description("Click requests by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static Timer timer(MeterRegistry registry, String outcome) {
        return Timer.builder("affixo.ingest.request")
                .description("Click request latency, receipt to reply")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }
}
