package dev.affixo.ingest.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Where one accepted single click's time goes, for 1 request in {@link #SAMPLE_EVERY}:
 * {@code affixo_ingest_stage_seconds{stage}} (histograms), from receipt to the hand-over of the 200 to WebFlux.
 * Sampled because a timer per stage per click would cost more than some of the stages it measures; at 1 in 64 an
 * unsampled click pays one random draw, and 20 000 clicks/s still give ~300 samples a second.
 *
 * <ul>
 *   <li>{@code auth}: receipt to the key found and checked (a cache hit: the token's checksum and hash)</li>
 *   <li>{@code limit}: the key's rate-limit permit</li>
 *   <li>{@code body}: the body read (its bytes arriving)</li>
 *   <li>{@code parse}: JSON and field checks, the visitor's origin</li>
 *   <li>{@code lookup}: the link (and the Idempotency-Key's verdict, when there is one)</li>
 *   <li>{@code event}: the visitor assigned, the event built and encoded</li>
 *   <li>{@code send}: {@code send()} until it returns (appended to the producer's buffer)</li>
 *   <li>{@code ack}: {@code send()}'s return until the acknowledgement is back on the request's event loop
 *       (the broker's round trip, the producer's I/O thread, the hop back)</li>
 * </ul>
 */
@Component
public class ClickStages {

    public static final int SAMPLE_EVERY = 64;

    /** The stages, in order; a sample's marks are the {@link System#nanoTime()} at the end of each. */
    public enum Stage { AUTH, LIMIT, BODY, PARSE, LOOKUP, EVENT, SEND, ACK }

    private final Timer[] timers = new Timer[Stage.values().length];

    public ClickStages(MeterRegistry registry) {
        for (Stage stage : Stage.values()) {
            timers[stage.ordinal()] = Timer.builder("affixo.ingest.stage")
                    .description("Time of one stage of an accepted single click, 1 click in " + SAMPLE_EVERY)
                    .tag("stage", stage.name().toLowerCase(Locale.ROOT))
                    .publishPercentileHistogram()
                    // most stages take microseconds: a timer's buckets start at 1 ms unless told otherwise
                    .minimumExpectedValue(Duration.ofNanos(1_000))
                    .maximumExpectedValue(Duration.ofSeconds(5))
                    .register(registry);
        }
    }

    /** Marks for a click to be timed, or null (most clicks): the caller marks only when it got an array. */
    public long[] sample() {
        return ThreadLocalRandom.current().nextInt(SAMPLE_EVERY) == 0 ? new long[Stage.values().length] : null;
    }

    /** Records an accepted click's stages from its marks ({@code startNanos}: its receipt). */
    public void record(long startNanos, long[] marks) {
        long previous = startNanos;
        for (Stage stage : Stage.values()) {
            long mark = marks[stage.ordinal()];
            timers[stage.ordinal()].record(Math.max(0, mark - previous), TimeUnit.NANOSECONDS);
            previous = mark;
        }
    }
}
