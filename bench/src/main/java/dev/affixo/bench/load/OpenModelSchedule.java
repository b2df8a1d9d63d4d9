package dev.affixo.bench.load;

/**
 * When each request of an open-model run is meant to start: request {@code i} at
 * {@code start + i / rate}. Latency is measured from this intended time, not from when the generator
 * got round to sending it, so a stall in the server (or the generator) shows up as latency for every
 * request that should have been sent during it (Gil Tene's coordinated-omission correction).
 */
public final class OpenModelSchedule {

    private final long startNanos;
    private final double periodNanos;
    private final long count;

    public OpenModelSchedule(long startNanos, double ratePerSecond, long durationNanos) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        this.startNanos = startNanos;
        this.periodNanos = 1e9 / ratePerSecond;
        this.count = (long) Math.floor(durationNanos / periodNanos);
    }

    /** Number of requests in the run. */
    public long count() {
        return count;
    }

    /** Computed from the index (never by adding periods) so rounding cannot drift over a long run. */
    public long intendedStartNanos(long i) {
        return startNanos + Math.round(i * periodNanos);
    }
}
