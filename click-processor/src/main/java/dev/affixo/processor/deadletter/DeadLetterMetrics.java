package dev.affixo.processor.deadletter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code affixo_processor_dead_letters_total{reason}}: dead letters this instance sent to the dead-letter
 * topic. Every reason is registered at start, so a dashboard sees 0 rather than no series.
 *
 * <p>Counted when the record is handed to the topic's producer. Under exactly-once, a task that fails
 * before its commit aborts that dead letter and produces it again after the restart, and this counter
 * then counts it twice; the topic itself (read_committed) holds it once.
 */
public final class DeadLetterMetrics {

    public static final String NAME = "affixo.processor.dead.letters";

    private final Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);

    private DeadLetterMetrics(MeterRegistry registry) {
        if (registry == null) {
            return;
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counters.put(reason, Counter.builder(NAME)
                    .description("Records sent to the dead-letter topic, by reason")
                    .tag("reason", reason.code())
                    .register(registry));
        }
    }

    /** Counting into {@code registry}; {@code null} (a replay, tools) counts nothing. */
    public static DeadLetterMetrics of(MeterRegistry registry) {
        return new DeadLetterMetrics(registry);
    }

    void count(DeadLetterReason reason) {
        Counter counter = counters.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }
}
