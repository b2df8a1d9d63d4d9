package dev.affixo.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One measured phase.
 *
 * @param offeredRps the open model's fixed rate, or 0 for a closed model
 * @param seconds    measured wall time: from the first send to the last answer
 */
public record LoadResult(String name, int connections, double offeredRps, long ok, long failed,
                         Map<String, Long> failures, double seconds, double p50Ms, double p99Ms,
                         double p999Ms, double maxMs) {

    public static LoadResult of(String name, int connections, double offeredRps, LatencyRecorder r, double seconds) {
        Histogram h = r.histogram();
        Map<String, Long> failures = r.failures();
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        return new LoadResult(name, connections, offeredRps, r.okCount(), failed, failures, seconds,
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** Accepted (200) answers per second. */
    public double rps() {
        return seconds > 0 ? ok / seconds : 0;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connections", connections);
        if (offeredRps > 0) {
            m.put("offered_rps", offeredRps);
        }
        m.put("rps", rps());
        m.put("ok", ok);
        m.put("non_200", failed);
        m.put("failures", failures);
        m.put("seconds", seconds);
        m.put("p50_ms", p50Ms);
        m.put("p99_ms", p99Ms);
        m.put("p999_ms", p999Ms);
        m.put("max_ms", maxMs);
        return m;
    }
}
