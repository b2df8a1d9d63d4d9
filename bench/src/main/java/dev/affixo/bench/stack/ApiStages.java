package dev.affixo.bench.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ingest API's own per-stage timings of an accepted click ({@code affixo_ingest_stage_seconds{stage}}, 1 click in
 * 64), read from its Prometheus endpoint before and after a window: the difference of the cumulative histogram
 * buckets is that window's distribution, from which p50 and p99 are interpolated within a bucket.
 *
 * <p>Beside the stages, {@code publish}: {@code affixo_ingest_publish_seconds{outcome="acknowledged"}}, timed for every
 * click from just before {@code send()} to Kafka's callback on the producer's I/O thread. The {@code ack} stage ends
 * later, when the reply is back on the request's event loop; so {@code ack − (publish − send)}, in means, is the hop
 * from the producer's I/O thread to the event loop ({@link #hopMs}), which splits the ack's time into the broker's
 * round trip and the wait for the event loop.
 */
public final class ApiStages {

    private static final Pattern BUCKET = Pattern.compile(
            "^affixo_ingest_stage_seconds_bucket\\{(?=[^}]*le=\"([^\"]+)\")(?=[^}]*stage=\"([a-z]+)\")[^}]*}\\s+(\\S+)");
    private static final Pattern SUM = Pattern.compile(
            "^affixo_ingest_stage_seconds_sum\\{[^}]*stage=\"([a-z]+)\"[^}]*}\\s+(\\S+)");
    private static final Pattern PUBLISH_BUCKET = Pattern.compile(
            "^affixo_ingest_publish_seconds_bucket\\{(?=[^}]*le=\"([^\"]+)\")(?=[^}]*outcome=\"acknowledged\")[^}]*}\\s+(\\S+)");
    private static final Pattern PUBLISH_SUM = Pattern.compile(
            "^affixo_ingest_publish_seconds_sum\\{[^}]*outcome=\"acknowledged\"[^}]*}\\s+(\\S+)");
    /** The stages in the API's order, then {@code publish} (see the class comment). */
    private static final String[] NAMES = {"auth", "limit", "body", "parse", "lookup", "event", "send", "ack", "publish"};
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Cumulative counts per stage per bucket bound (seconds), and each stage's sum of seconds. */
    public record Scrape(Map<String, TreeMap<Double, Double>> buckets, Map<String, Double> sums) {
    }

    /** One stage over a window: samples, mean, p50 and p99 in milliseconds. */
    public record Stage(String name, long samples, double meanMs, double p50Ms, double p99Ms) {
    }

    private ApiStages() {
    }

    public static Scrape scrape(int managementPort) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).timeout(Duration.ofSeconds(10)).build();
        return parse(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The stage histograms of a Prometheus text exposition. */
    static Scrape parse(String body) {
        Map<String, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
        Map<String, Double> sums = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            Matcher b = BUCKET.matcher(line);
            if (b.find()) {
                double le = b.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(b.group(1));
                buckets.computeIfAbsent(b.group(2), k -> new TreeMap<>()).put(le, Double.parseDouble(b.group(3)));
                continue;
            }
            Matcher s = SUM.matcher(line);
            if (s.find()) {
                sums.put(s.group(1), Double.parseDouble(s.group(2)));
                continue;
            }
            Matcher pb = PUBLISH_BUCKET.matcher(line);
            if (pb.find()) {
                double le = pb.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(pb.group(1));
                buckets.computeIfAbsent("publish", k -> new TreeMap<>()).put(le, Double.parseDouble(pb.group(2)));
                continue;
            }
            Matcher ps = PUBLISH_SUM.matcher(line);
            if (ps.find()) {
                sums.put("publish", Double.parseDouble(ps.group(1)));
            }
        }
        return new Scrape(buckets, sums);
    }

    /** Each stage's distribution between two scrapes, in the API's order of stages. */
    public static Map<String, Stage> between(Scrape before, Scrape after) {
        Map<String, Stage> out = new LinkedHashMap<>();
        for (String name : NAMES) {
            TreeMap<Double, Double> a = after.buckets().get(name);
            if (a == null) {
                continue;
            }
            TreeMap<Double, Double> b = before.buckets().getOrDefault(name, new TreeMap<>());
            TreeMap<Double, Double> window = new TreeMap<>();
            a.forEach((le, count) -> window.put(le, count - b.getOrDefault(le, 0.0)));
            double total = window.lastEntry().getValue();
            double seconds = after.sums().getOrDefault(name, 0.0) - before.sums().getOrDefault(name, 0.0);
            out.put(name, new Stage(name, (long) total, total > 0 ? seconds * 1000 / total : Double.NaN,
                    quantile(window, total, 0.50) * 1000, quantile(window, total, 0.99) * 1000));
        }
        return out;
    }

    /** The q-quantile of cumulative bucket counts, linear within the bucket it falls in. */
    static double quantile(TreeMap<Double, Double> cumulative, double total, double q) {
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (Double.isInfinite(e.getKey())) {
                    return lowerBound;
                }
                double inBucket = e.getValue() - lowerCount;
                double fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 0;
                return lowerBound + (e.getKey() - lowerBound) * fraction;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }

    /**
     * The mean wait from Kafka's callback on the producer's I/O thread to the reply's continuation on the event loop:
     * {@code ack − (publish − send)}; NaN without the three.
     */
    public static double hopMs(Map<String, Stage> stages) {
        Stage ack = stages.get("ack");
        Stage publish = stages.get("publish");
        Stage send = stages.get("send");
        if (ack == null || publish == null || send == null) {
            return Double.NaN;
        }
        return ack.meanMs() - (publish.meanMs() - send.meanMs());
    }

    /** "auth 0.010/0.012/0.05, limit …" in ms (mean/p50/p99), for a row's note. */
    public static String describe(Map<String, Stage> stages) {
        StringBuilder sb = new StringBuilder("stage mean/p50/p99 ms:");
        stages.values().stream().filter(s -> !s.name().equals("publish")).forEach(s -> sb.append(String.format(
                Locale.ROOT, " %s %.3f/%.3f/%.3f", s.name(), s.meanMs(), s.p50Ms(), s.p99Ms())));
        long samples = stages.values().stream().filter(s -> !s.name().equals("publish")).mapToLong(Stage::samples)
                .max().orElse(0);
        sb.append(" (").append(samples).append(" sampled clicks)");
        Stage publish = stages.get("publish");
        if (publish != null) {
            // means only: the publish timer's buckets start at 1 ms, so its percentiles would be guessed
            sb.append(String.format(Locale.ROOT, "; publish (send() to Kafka's callback, every click) mean %.3f; "
                    + "so the ack is %.3f round trip (a request slot, the broker, the producer's I/O thread) + %.3f "
                    + "hop to the event loop (means)", publish.meanMs(), stages.containsKey("send")
                            ? publish.meanMs() - stages.get("send").meanMs() : Double.NaN, hopMs(stages)));
        }
        return sb.toString();
    }
}
