package dev.affixo.bench;

import dev.affixo.bench.baseline.HttpBaselinePhase;
import dev.affixo.bench.baseline.KafkaBaselinePhase;
import dev.affixo.bench.batch.BatchPhase;
import dev.affixo.bench.ingest.IngestBeforeAfterPhase;
import dev.affixo.bench.ingest.IngestPhase;
import dev.affixo.bench.ingest.TimeToSteadyPhase;
import dev.affixo.bench.ingest.TracingCostPhase;
import dev.affixo.bench.processing.InsertBaselinePhase;
import dev.affixo.bench.processing.ProcessingPhase;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.bench.state.StatePhase;

/**
 * The whole run, phase by phase, in the order it happens. Each phase is a class of its own, in the package
 * of what it measures; what they share (settings, results, infrastructure, seed, cleanup) is the
 * {@link RunContext}. A phase that fails is reported and its figures are N/A; the run carries on with the
 * next one and always cleans up.
 */
final class Benchmark {

    private final RunContext ctx;

    Benchmark(BenchSettings settings) {
        this.ctx = new RunContext(settings);
    }

    int run() {
        return ctx.runAll(() -> {
            ctx.startInfrastructure();
            ctx.phase("ingest", new IngestPhase(ctx)::run);
            ctx.phase("batch", new BatchPhase(ctx)::run);
            ctx.phase("baseline_http", new HttpBaselinePhase(ctx)::run);
            ctx.phase("baseline_kafka", new KafkaBaselinePhase(ctx)::run);
            ctx.phase("processing", new ProcessingPhase(ctx)::run);
            ctx.phase("baseline_insert", new InsertBaselinePhase(ctx)::run);
            // last of the default phases: on a slow machine the watchdog cuts these rows, not the older ones
            ctx.phase("startup", new TimeToSteadyPhase(ctx)::run);
            ctx.phase("state", new StatePhase(ctx)::run);
            ctx.phase("api_before_after", new IngestBeforeAfterPhase(ctx)::run);
            ctx.phase("tracing", new TracingCostPhase(ctx)::runBoth);
        });
    }
}
