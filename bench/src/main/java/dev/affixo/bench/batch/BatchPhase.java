package dev.affixo.bench.batch;

import static dev.affixo.bench.run.RunContext.BODY_POOL;
import static dev.affixo.bench.run.RunContext.PATH;
import static dev.affixo.bench.run.RunContext.READY_TIMEOUT;
import static dev.affixo.bench.run.RunContext.requireJar;
import static dev.affixo.bench.run.RunContext.say;
import static dev.affixo.bench.run.RunContext.show;

import dev.affixo.bench.load.BatchBodies;
import dev.affixo.bench.load.LoadGenerator;
import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.load.WrkLoad;
import dev.affixo.bench.report.CpuPerClick;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.bench.stack.ProcessCpu;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Phase {@code batch}: clicks/s through the batch endpoint beside the single endpoint, one API of its own. */
public final class BatchPhase {
    private static final String BATCH_PATH = "/v1/track/clicks";
    private static final String BATCH_TOPIC = "bench.batch.accepted";
    private static final int[] BATCH_SIZES = {1, 10, 100, 500};
    /**
     * Fewer connections than the single endpoint's 64: 16 batches of 500 are already 8 000 clicks in flight, and
     * a merchant catching up sends from a handful of workers, not from 64.
     */
    private static final int BATCH_CONNECTIONS = 16;

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public BatchPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /**
     * Clicks/s through {@code POST /v1/track/clicks} in batches of {@link #BATCH_SIZES} beside the single endpoint:
     * one API of its own (its own topic), the same run, the same built-in generator for every row (wrk, when
     * installed, adds the single endpoint's row as the ingest phase measures it; the ratio is then taken against
     * the higher of the two). p50/p99 are per request, i.e. per batch.
     */
    public void run() throws Exception {
        requireJar(s.ingestJar());
        ctx.kafkaLoad().createTopic(BATCH_TOPIC, 12);
        ServiceProcess api = ctx.cleanup().register(ServiceProcess.start("ingest-api-batch", s.serviceJvmFlags(),
                List.of("-jar", s.ingestJar().toString()), Ports.free(),
                ctx.serviceEnv(BATCH_TOPIC, "bench.batch.dead-letter", "bench-batch"), s.logDir()));
        say("ingest-api (batch) pid " + api.pid() + ": waiting for readiness");
        api.awaitReady(READY_TIMEOUT);
        try (LoadGenerator single = new LoadGenerator(api.port(), PATH, 64, ctx.seed().apiKeys());
             LoadGenerator batches = new LoadGenerator(api.port(), BATCH_PATH, BATCH_CONNECTIONS, ctx.seed().apiKeys())) {
            say("batch: warm-up " + s.warmup().toSeconds() + "s, both endpoints");
            single.closed("batch-warmup-single", s.warmup().dividedBy(2), ctx.bodies()::get);
            batches.closed("batch-warmup-100", s.warmup().dividedBy(2), new BatchBodies(ctx.bodies(), 100, 64)::get);

            say("batch: single endpoint, closed model, 64 connections, " + s.phase().toSeconds() + "s");
            LoadResult one = single.closed("single-64", s.phase(), ctx.bodies()::get);
            show(one);
            results.put("batch.single_64", one.toJson());
            results.row(new Row("single click, 64 conns (batch phase)", one.rps(), one.p50Ms(), one.p99Ms(),
                    one.p999Ms(), one.failed(), "clicks/s = requests/s; built-in generator"));
            double reference = one.rps();
            if (ctx.wrk().isPresent()) {
                LoadResult w = WrkLoad.prepare(ctx.wrk().get(), ctx.wrkDir(),
                        api.port(), PATH, ctx.seed().apiKeys(), ctx.bodies(), BODY_POOL).closed("single-wrk-64", 64, s.phase());
                show(w);
                results.put("batch.single_wrk_64", w.toJson());
                results.row(new Row("single click, 64 conns, wrk (batch phase)", w.rps(), w.p50Ms(), w.p99Ms(),
                        w.p999Ms(), w.failed(), "clicks/s = requests/s"));
                reference = Math.max(reference, w.rps());
            }
            results.put("batch.single_reference_rps", reference);
            for (int size : BATCH_SIZES) {
                BatchBodies batchBodies = new BatchBodies(ctx.bodies(), size, Math.max(16, 8192 / size));
                LongAdder okItems = new LongAdder();
                say("batch: batches of " + size + ", closed model, " + BATCH_CONNECTIONS + " connections, "
                        + s.phase().toSeconds() + "s");
                ProcessCpu.Window cpu = ctx.cpuWindow(api.pid(), "api", false);
                LoadResult r = batches.closed("batch-" + size, s.phase(), batchBodies::get, okItems);
                Map<String, Double> cpuMs = cpu.msPerClick(okItems.sum());
                show(r);
                double clicks = okItems.sum() / r.seconds();
                long notOk = r.ok() * size - okItems.sum();
                results.put("batch.size_" + size, r.toJson());
                results.put("batch.size_" + size + ".clicks_rps", clicks);
                results.put("batch.size_" + size + ".items_not_ok", notOk);
                results.row(new Row("batch of " + size + ", " + BATCH_CONNECTIONS + " conns", clicks, r.p50Ms(),
                        r.p99Ms(), r.p999Ms(), r.failed(), String.format(Locale.ROOT,
                                "%.0f requests/s; %.2f× the single click%s", r.rps(), clicks / reference,
                                notOk == 0 ? "" : "; " + notOk + " items not ok")));
                if (size == 100) {
                    CpuPerClick.report(results, "batch", "batch of 100, " + BATCH_CONNECTIONS + " conns", cpuMs,
                            okItems.sum(), r.seconds(), "");
                }
            }
        }
        ctx.memory("ingest_api_batch", api);
        ctx.cleanup().close(api);
    }
}
