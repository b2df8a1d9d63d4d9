package dev.affixo.bench.state;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * The longest gap between two polls of a stream thread's consumer, read from the processor's Prometheus page:
 * Kafka's consumer metric {@code time-between-poll-max} (bound by Micrometer's {@code KafkaStreamsMetrics}),
 * the maximum over its sample window (2 × 30 s), so reading it every few seconds misses no gap. A gap is time
 * the thread did not poll: processing, punctuating (a store scan, a PostgreSQL write) or committing; while it
 * lasts every partition the thread owns waits.
 */
final class StreamThreadMetrics {

    private static final String METRIC = "kafka_consumer_time_between_poll_max";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final HttpRequest scrape;

    StreamThreadMetrics(String managementUrl) {
        this.scrape = HttpRequest.newBuilder(URI.create(managementUrl + "/prometheus"))
                .timeout(Duration.ofSeconds(5)).GET().build();
    }

    /** The largest poll gap of any stream thread's main consumer now, in ms; empty when none is reported yet. */
    OptionalDouble longestPollGapMs() {
        try {
            String page = HTTP.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
            return longestPollGapMs(page);
        } catch (IOException e) {
            return OptionalDouble.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalDouble.empty();
        }
    }

    /** Main consumers only: a restore consumer polls on its own schedule and holds no partition up. */
    static OptionalDouble longestPollGapMs(String prometheusPage) {
        return prometheusPage.lines()
                .filter(line -> line.startsWith(METRIC + "{") && line.contains("StreamThread")
                        && !line.contains("restore-consumer"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .filter(Double::isFinite)
                .max();
    }
}
