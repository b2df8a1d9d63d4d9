package dev.affixo.processor.lag;

/**
 * Turns a series of lag samples into the two log lines an operator wants: "a backlog built up" and
 * "the backlog is drained, it took this long". A backlog starts when lag reaches the threshold and ends
 * when lag falls back to (almost) nothing — a record or two can sit behind a transaction marker.
 */
final class LagEpisodes {

    private static final long DRAINED = 2;

    private final long threshold;
    private boolean behind;
    private long startedNanos;
    private long peak;
    private long lastDrainNanos = -1;

    LagEpisodes(long threshold) {
        this.threshold = threshold;
    }

    /** How long the last drained backlog took, or -1 if none has drained yet. */
    long lastDrainNanos() {
        return lastDrainNanos;
    }

    /** Returns the line to log for this sample, or null. */
    String observe(long lag, long nowNanos) {
        if (!behind && lag >= threshold) {
            behind = true;
            startedNanos = nowNanos;
            peak = lag;
            return "behind: " + lag + " accepted clicks not yet stored";
        }
        if (behind) {
            peak = Math.max(peak, lag);
            if (lag <= DRAINED) {
                behind = false;
                lastDrainNanos = nowNanos - startedNanos;
                return String.format("caught up: backlog of up to %d clicks drained in %.1f s", peak,
                        (nowNanos - startedNanos) / 1e9);
            }
        }
        return null;
    }
}
