package dev.affixo.processor.deadletter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code affixo_processor_dead_letters_total{reason, accepted_event}}: dead letters this instance sent to the
 * dead-letter topic. {@code accepted_event="true"} marks a record that is a readable click event, one the ingest
 * API answered 200 for: each of those is a click promised and not stored, worth an alert (README "Alerting").
 * Every series is registered at start, so a dashboard sees 0 rather than no series.
 *
 * <p>Counted when the record is handed to the topic's producer. Under exactly-once, a task that fails
 * before its commit aborts that dead letter and produces it again after the restart, and this counter
 * then counts it twice; the topic itself (read_committed) holds it once.
 */
public final class DeadLetterMetrics {

    public static final String NAME = "affixo.processor.dead.letters";

    private final Map<String, Counter> counters = new HashMap<>();

    private DeadLetterMetrics(MeterRegistry registry) {
        if (registry == null) {
            return;
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            for (boolean accepted : new boolean[] {false, true}) {
                counters.put(key(reason, accepted), Counter.builder(NAME)
                        .description("Records sent to the dead-letter topic, by reason and whether the API had accepted them")
                        .tag("reason", reason.code())
                        .tag("accepted_event", Boolean.toString(accepted))
                        .register(registry));
            }
        }
    }

    /** Counting into {@code registry}; {@code null} (a replay, tools) counts nothing. */
    public static DeadLetterMetrics of(MeterRegistry registry) {
        return new DeadLetterMetrics(registry);
    }

    void count(DeadLetterReason reason, boolean acceptedEvent) {
        Counter counter = counters.get(key(reason, acceptedEvent));
        if (counter != null) {
            counter.increment();
        }
    }

    private static String key(DeadLetterReason reason, boolean acceptedEvent) {
        return reason.code() + (acceptedEvent ? "+accepted" : "");
    }
}
