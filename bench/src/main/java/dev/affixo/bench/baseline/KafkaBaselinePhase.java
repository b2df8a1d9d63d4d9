package dev.affixo.bench.baseline;

import static dev.affixo.bench.run.RunContext.say;

import dev.affixo.bench.processing.KafkaLoad;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import java.util.Locale;

/** Phase {@code baseline_kafka}: baseline (b), the producer ceiling. */
public final class KafkaBaselinePhase {

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public KafkaBaselinePhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /** Baseline (b): the API's producer settings, as fast as the producer takes records, acks awaited. */
    public void run() throws Exception {
        ctx.kafkaLoad().createTopic("bench.ceiling", 12);
        say("baseline kafka: producer ceiling for " + s.kafkaCeiling().toSeconds() + "s");
        KafkaLoad.CeilingResult r = ctx.kafkaLoad().producerCeiling("bench.ceiling", s.kafkaCeiling(), ctx.events(3));
        say(String.format(Locale.ROOT, "  %.0f records/s (%d acked, %d failed, %.1f s, %.0f-byte values)",
                r.rps(), r.acked(), r.failed(), r.seconds(), r.avgValueBytes()));
        results.put("baseline_kafka.rps", r.rps());
        results.put("baseline_kafka.records", r.acked());
        results.put("baseline_kafka.failed", r.failed());
        results.put("baseline_kafka.seconds", r.seconds());
        results.put("baseline_kafka.avg_value_bytes", r.avgValueBytes());
        results.row(new Row("baseline (b) Kafka producer, acks=all", r.rps(), Double.NaN, Double.NaN, Double.NaN,
                r.failed(), String.format(Locale.ROOT, "%.0f-byte values", r.avgValueBytes())));
    }
}
