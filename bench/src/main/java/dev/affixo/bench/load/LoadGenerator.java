package dev.affixo.bench.load;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * HTTP/1.1 keep-alive load on one pool of exactly {@code connections} connections to 127.0.0.1.
 *
 * <p>Closed model: {@code connections} workers, each sends its next request when the previous answer
 * arrived. Open model: requests start on a fixed schedule whatever the server does; latency counts from
 * the intended start ({@link OpenModelSchedule}). Every loop ends at its deadline or its request cap,
 * whichever comes first.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Hard cap on requests per phase, so no loop is unbounded even if the clock misbehaves. */
    static final long MAX_REQUESTS_PER_PHASE = 50_000_000L;
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private final int connections;
    private final String path;
    private final ConnectionProvider pool;
    /** One client per bearer token (empty list = no Authorization header); all share the pool. */
    private final List<HttpClient> clients;

    /** Called for every 200 of an open-model run: request index, intended start and answer time (nanoTime). */
    public interface OkListener {
        void ok(long index, long intendedNanos, long answeredNanos);
    }

    public LoadGenerator(int port, String path, int connections, List<String> bearerTokens) {
        this(port, path, connections, bearerTokens, Map.of());
    }

    /** As above, every request also carrying {@code headers}. */
    public LoadGenerator(int port, String path, int connections, List<String> bearerTokens,
                         Map<String, String> headers) {
        this.connections = connections;
        this.path = path;
        this.pool = ConnectionProvider.builder("bench-" + connections)
                .maxConnections(connections)
                // The open model may queue behind a slow server; the queue is bounded and its wait counts
                // as latency because it is measured from the intended start.
                .pendingAcquireMaxCount(1_000_000)
                .pendingAcquireTimeout(RESPONSE_TIMEOUT)
                .maxIdleTime(Duration.ofMinutes(10))
                .build();
        HttpClient base = HttpClient.create(pool)
                .baseUrl("http://127.0.0.1:" + port)
                .keepAlive(true)
                .responseTimeout(RESPONSE_TIMEOUT)
                .headers(h -> {
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    headers.forEach(h::set);
                });
        this.clients = bearerTokens.isEmpty()
                ? List.of(base)
                : bearerTokens.stream()
                        .map(t -> base.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + t)))
                        .toList();
    }

    public int connections() {
        return connections;
    }

    /** The status code of one POST; the answer body is read and released. */
    Mono<Integer> post(long i, byte[] body) {
        return post(i, body, null);
    }

    /** As {@link #post(long, byte[])}; with {@code okItems}, the answer's {@code "ok":true} are counted into it. */
    Mono<Integer> post(long i, byte[] body, LongAdder okItems) {
        HttpClient client = clients.get((int) (i % clients.size()));
        return client.post()
                .uri(path)
                .send((request, out) -> {
                    request.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
                    return out.send(Mono.just(Unpooled.wrappedBuffer(body)));
                })
                .responseSingle((response, content) -> content.asByteArray()
                        .doOnNext(answer -> {
                            if (okItems != null) {
                                okItems.add(countOk(answer));
                            }
                        })
                        .then(Mono.just(response.status().code())));
    }

    private static final byte[] OK_TRUE = "\"ok\":true".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** How many {@code "ok":true} the answer holds: a batch's accepted items (the API writes no spaces). */
    static int countOk(byte[] answer) {
        int count = 0;
        outer:
        for (int i = 0; i <= answer.length - OK_TRUE.length; i++) {
            for (int j = 0; j < OK_TRUE.length; j++) {
                if (answer[i + j] != OK_TRUE[j]) {
                    continue outer;
                }
            }
            count++;
            i += OK_TRUE.length - 1;
        }
        return count;
    }

    /** Closed model for {@code duration}; returns what was measured. */
    public LoadResult closed(String name, Duration duration, LongFunction<byte[]> bodies) {
        return closed(name, duration, bodies, null);
    }

    /** As {@link #closed(String, Duration, LongFunction)}, counting the answers' accepted items into {@code okItems}. */
    public LoadResult closed(String name, Duration duration, LongFunction<byte[]> bodies, LongAdder okItems) {
        LatencyRecorder recorder = new LatencyRecorder();
        AtomicLong issued = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Flux.range(0, connections)
                .flatMap(worker -> Mono.defer(() -> {
                            long i = issued.getAndIncrement();
                            long sent = System.nanoTime();
                            return post(i, bodies.apply(i), okItems)
                                    .doOnNext(status -> record(recorder, status, System.nanoTime() - sent))
                                    .onErrorResume(e -> {
                                        recorder.failed(e.getClass().getSimpleName());
                                        return Mono.empty();
                                    });
                        })
                        .repeat(() -> System.nanoTime() < end && issued.get() < MAX_REQUESTS_PER_PHASE), connections)
                .then()
                .block(duration.plus(RESPONSE_TIMEOUT).plusSeconds(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        return LoadResult.of(name, connections, 0, recorder, seconds);
    }

    /** Open model at {@code ratePerSecond} for {@code duration}, coordinated-omission corrected. */
    public LoadResult open(String name, double ratePerSecond, Duration duration, LongFunction<byte[]> bodies,
                           OkListener listener) {
        LatencyRecorder recorder = new LatencyRecorder();
        AtomicLong outstanding = new AtomicLong();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        OpenModelSchedule schedule = new OpenModelSchedule(start, ratePerSecond, duration.toNanos());
        long count = Math.min(schedule.count(), MAX_REQUESTS_PER_PHASE);
        for (long i = 0; i < count; i++) {
            long intended = schedule.intendedStartNanos(i);
            sleepUntil(intended);
            long index = i;
            outstanding.incrementAndGet();
            post(index, bodies.apply(index)).subscribe(
                    status -> {
                        long now = System.nanoTime();
                        record(recorder, status, now - intended);
                        if (status == 200 && listener != null) {
                            listener.ok(index, intended, now);
                        }
                        outstanding.decrementAndGet();
                    },
                    error -> {
                        recorder.failed(error.getClass().getSimpleName());
                        outstanding.decrementAndGet();
                    });
        }
        // Wait for the stragglers, bounded: whatever is still out after the response timeout is a failure.
        long drainDeadline = System.nanoTime() + RESPONSE_TIMEOUT.plusSeconds(2).toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < drainDeadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        for (long left = outstanding.get(); left > 0; left--) {
            recorder.failed("unanswered");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return LoadResult.of(name, connections, ratePerSecond, recorder, seconds);
    }

    private static void record(LatencyRecorder recorder, int status, long latencyNanos) {
        if (status == 200) {
            recorder.ok(latencyNanos);
        } else {
            recorder.failed("status " + status);
        }
    }

    /**
     * Parks until the intended start. No spinning: on 2 shared cores a spinning generator steals the
     * server's CPU, and park's overshoot (~0.1 ms) is counted as latency anyway, never hidden.
     */
    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(10));
    }
}
