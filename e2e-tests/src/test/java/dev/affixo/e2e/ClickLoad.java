package dev.affixo.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Sends a bounded number of clicks to 127.0.0.1 with a bounded number in flight, each with a unique
 * cookie visitor id, and remembers which visitor ids were answered 200 — the accepted set a verifier
 * compares with the stored set.
 */
final class ClickLoad {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3);

    /**
     * Sends {@code count} clicks on {@code ref}, {@code concurrency} at a time; calls {@code progress}
     * with the number sent so far (after each send is answered) so a test can act half way.
     */
    ClickLoad send(String baseUrl, String token, String ref, String visitorPrefix, int count, int concurrency,
                   IntConsumer progress) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new AssertionError("requests stuck in flight for 30 s");
            }
            String visitor = visitorPrefix + "-" + i;
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/track/click"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"ref\":\"" + ref + "\",\"visitor_id\":\"" + visitor + "\"}"))
                    .build();
            long start = System.nanoTime();
            HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                latencyMicros.recordValue((System.nanoTime() - start) / 1_000);
                int status = error == null ? response.statusCode() : -1;
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                if (status == 200) {
                    accepted.add(visitor);
                }
                inFlight.release();
                progress.accept(done.incrementAndGet());
            });
        }
        if (!inFlight.tryAcquire(concurrency, 60, TimeUnit.SECONDS)) {
            throw new AssertionError("last requests not answered within 60 s");
        }
        inFlight.release(concurrency);
        return this;
    }

    int count(int status) {
        AtomicInteger n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    String latencySummary() {
        return String.format("p50=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms (n=%d)",
                latencyMicros.getValueAtPercentile(50) / 1000.0, latencyMicros.getValueAtPercentile(99) / 1000.0,
                latencyMicros.getValueAtPercentile(99.9) / 1000.0, latencyMicros.getMaxValue() / 1000.0,
                latencyMicros.getTotalCount());
    }
}
