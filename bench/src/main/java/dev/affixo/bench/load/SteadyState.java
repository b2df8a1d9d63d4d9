package dev.affixo.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Warm-up until throughput is stable, and the proof that it is: load runs in fixed windows until the last
 * {@code windows} of them are within {@code tolerance} of each other (highest ≤ lowest × (1 + tolerance)), or
 * until the bound passes. A freshly started broker and JIT on 2 cores keep rising for tens of seconds (issue
 * 17), so a fixed warm-up measures whatever point of the climb it happens to end on.
 */
public final class SteadyState {

    /** One window of load; returns its throughput (answers, acks) per second. */
    public interface Window {
        double run(String name, Duration length) throws Exception;
    }

    /**
     * @param settled       whether the last windows were within the tolerance before the bound
     * @param seconds       wall time of the warm-up, windows included
     * @param windowRps     every window's throughput, in order
     */
    public record Result(boolean settled, double seconds, List<Double> windowRps) {

        /** Throughput of the last window (NaN when none ran). */
        public double lastRps() {
            return windowRps.isEmpty() ? Double.NaN : windowRps.get(windowRps.size() - 1);
        }
    }

    private final Duration window;
    private final int windows;
    private final double tolerance;
    private final Duration bound;

    public SteadyState(Duration window, int windows, double tolerance, Duration bound) {
        if (windows < 2 || tolerance <= 0 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("need at least 2 windows, a positive tolerance and window length");
        }
        this.window = window;
        this.windows = windows;
        this.tolerance = tolerance;
        this.bound = bound;
    }

    /** Whether the last {@code count} values are positive and within {@code tolerance} of each other. */
    public static boolean settled(List<Double> rps, int count, double tolerance) {
        if (rps.size() < count) {
            return false;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double r : rps.subList(rps.size() - count, rps.size())) {
            if (!(r > 0)) {
                return false;
            }
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        return max <= min * (1 + tolerance);
    }

    /** Whether {@code rps} is within {@code tolerance} of {@code target}, either side. */
    public static boolean within(double rps, double target, double tolerance) {
        return Math.abs(rps - target) <= tolerance * target;
    }

    /**
     * Runs windows until settled or until one more window would pass the bound; never fewer than
     * {@code windows} (the proof needs them).
     */
    public Result await(String name, Window load) throws Exception {
        List<Double> rps = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        while (true) {
            rps.add(load.run(name + "-" + rps.size(), window));
            if (settled(rps, windows, tolerance)) {
                return new Result(true, (System.nanoTime() - start) / 1e9, List.copyOf(rps));
            }
            if (rps.size() >= windows && System.nanoTime() + window.toNanos() > deadline) {
                return new Result(false, (System.nanoTime() - start) / 1e9, List.copyOf(rps));
            }
        }
    }

    public Duration window() {
        return window;
    }

    public int windows() {
        return windows;
    }

    public double tolerance() {
        return tolerance;
    }

    public Duration bound() {
        return bound;
    }
}
