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
import java.util.function.IntFunction;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Sends a bounded number of clicks to 127.0.0.1 with a bounded number in flight and remembers which requests
 * were answered 200 — the accepted set a verifier compares with the topic and the stored rows. Every request
 * carries its own {@code url}, which names it in the topic and in the rows.
 */
final class ClickLoad {

    /** One request's body fields; {@code url} is unique within a load. */
    record Request(String ref, String visitorId, String fingerprint, String url) {

        String json() {
            StringBuilder body = new StringBuilder("{\"ref\":\"").append(ref).append('"');
            if (visitorId != null) {
                body.append(",\"visitor_id\":\"").append(visitorId).append('"');
            }
            if (fingerprint != null) {
                body.append(",\"fingerprint\":\"").append(fingerprint).append('"');
            }
            return body.append(",\"url\":\"").append(url).append("\"}").toString();
        }
    }

    /** Each click from a visitor of its own: the traffic of a test that only counts. */
    static IntFunction<Request> oneClickPerVisitor(String prefix, String ref) {
        return i -> new Request(ref, prefix + "-" + i, null, "https://shop.example/" + prefix + "/" + i);
    }

    /**
     * {@code visitors} visitors clicking {@code ref} in rounds: request i is visitor {@code i % visitors}; even
     * rounds send the visitor's cookie and its fingerprint (making the fingerprint an alias of the visitor),
     * odd rounds the fingerprint only (resolved through that alias, since its cookie round was a whole
     * round of requests earlier). Every click of a visitor carries the visitor's fingerprint, so all of them
     * have one record key and reach matching and dedup in topic order: {@code ClickModel} computes their
     * labels exactly from the topic (its condition 1), and each visitor has one unique click and the rest
     * duplicates (a test lasts far less than the 1 h window).
     */
    static IntFunction<Request> visitorsWithAliases(String prefix, String ref, int visitors) {
        return i -> {
            int v = i % visitors;
            String url = "https://shop.example/" + prefix + "/" + i;
            String fingerprint = prefix + "-fp-" + v;
            return (i / visitors) % 2 == 0
                    ? new Request(ref, prefix + "-" + v, fingerprint, url)
                    : new Request(ref, null, fingerprint, url);
        };
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    /** url → request, for every request answered 200. */
    final Map<String, Request> accepted = new ConcurrentHashMap<>();
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(3);

    /**
     * Sends {@code count} clicks, {@code request.apply(i)} for the i-th, {@code concurrency} at a time; calls
     * {@code progress} with the number sent so far (after each send is answered) so a test can act half way.
     */
    ClickLoad send(String baseUrl, String token, int count, int concurrency, IntFunction<Request> requests,
                   IntConsumer progress) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new AssertionError("requests stuck in flight for 30 s");
            }
            Request click = requests.apply(i);
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/track/click"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(click.json()))
                    .build();
            long start = System.nanoTime();
            HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                latencyMicros.recordValue((System.nanoTime() - start) / 1_000);
                int status = error == null ? response.statusCode() : -1;
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                if (status == 200) {
                    accepted.put(click.url(), click);
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

    /** The visitor ids of the accepted requests that sent one. */
    Set<String> acceptedVisitors() {
        return accepted.values().stream().map(Request::visitorId).filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toSet());
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
