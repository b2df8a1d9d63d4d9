package dev.affixo.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Latencies of 200s (microseconds, HdrHistogram) and a count of every other outcome, by status. */
public final class LatencyRecorder {

    /** Anything slower than a minute is a broken run, not a latency. */
    private static final long HIGHEST_MICROS = 60_000_000L;

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    private final LongAdder ok = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    public void ok(long latencyNanos) {
        ok.increment();
        recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, latencyNanos / 1_000)));
    }

    /** A non-200 answer ({@code "status 503"}) or an exception ({@code "TimeoutException"}). */
    public void failed(String outcome) {
        failures.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    public long okCount() {
        return ok.sum();
    }

    public Map<String, Long> failures() {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The histogram of everything recorded so far (call once, at the end). */
    public Histogram histogram() {
        return recorder.getIntervalHistogram();
    }
}
