package dev.affixo.bench.ingest;

import static dev.affixo.bench.run.RunContext.INGEST_TOPIC;
import static dev.affixo.bench.run.RunContext.READY_TIMEOUT;
import static dev.affixo.bench.run.RunContext.say;
import static dev.affixo.bench.run.RunContext.show;

import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.report.Spread;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Phase {@code ingest_tracing} (part of ingest, issue 17): what tracing costs at its default (1 % sampling). Two
 * fresh APIs, one with the default settings and one with {@code AFFIXO_TRACING_ENABLED=false} (passed explicitly,
 * everything else the same), are each warmed to steady state on the same plain load, then loaded alternately, 64
 * connections, as many rounds as the ratio rows; the row gives the medians and their ratio.
 *
 * <p>Both are fresh on purpose: the first version compared the ingest phase's API (which had also served keyed,
 * origin and open-model traffic, so its JIT had seen every path) with a fresh one that had seen plain clicks only,
 * and measured a 7.3 % gap where a CPU profile of the traced API put ~1 % of its samples in tracing code.
 */
public final class TracingCostPhase {

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public TracingCostPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    public void run() throws Exception {
        // Children inherit the bench's environment: tracing settings there would make "the default" something else.
        List<String> inherited = System.getenv().keySet().stream()
                .filter(k -> k.startsWith("AFFIXO_TRACING") || k.startsWith("OTEL_") || k.startsWith("MANAGEMENT_TRACING"))
                .sorted().toList();
        if (!inherited.isEmpty()) {
            say("tracing: WARNING, the bench's environment sets " + inherited + ": the 'default' API inherits them");
        }
        Map<String, String> env = ctx.serviceEnv(INGEST_TOPIC, "bench.ingest.dead-letter", "bench-e2e");
        ServiceProcess traced = ctx.cleanup().register(ServiceProcess.start("ingest-api-traced",
                s.serviceJvmFlags(), List.of("-jar", s.ingestJar().toString()), Ports.free(), env, s.logDir()));
        env.put("AFFIXO_TRACING_ENABLED", "false");
        ServiceProcess untraced = ctx.cleanup().register(ServiceProcess.start("ingest-api-untraced",
                s.serviceJvmFlags(), List.of("-jar", s.ingestJar().toString()), Ports.free(), env, s.logDir()));
        try {
            say("ingest-api (tracing default) pid " + traced.pid() + ", ingest-api (AFFIXO_TRACING_ENABLED=false) pid "
                    + untraced.pid() + ": waiting for readiness");
            traced.awaitReady(READY_TIMEOUT);
            untraced.awaitReady(READY_TIMEOUT);
            RunContext.ClosedModel on = ctx.closedModel(traced.port(), ctx.seed().apiKeys());
            RunContext.ClosedModel off = ctx.closedModel(untraced.port(), ctx.seed().apiKeys());
            ctx.warmUntilSteady("tracing.traced", "ingest, tracing default (64 conns)",
                    (w, length) -> on.run(w, 64, length).rps());
            ctx.warmUntilSteady("tracing.untraced", "ingest, tracing off (64 conns)",
                    (w, length) -> off.run(w, 64, length).rps());
            on.run("tracing-on-topup", 64, s.alternation().window());
            List<LoadResult> onRuns = new ArrayList<>();
            List<LoadResult> offRuns = new ArrayList<>();
            int rounds = s.alternation().rounds();
            for (int round = 1; round <= rounds; round++) {
                say("tracing: round " + round + " of " + rounds + ", tracing off then default, 64 conns, "
                        + s.alternation().window().toSeconds() + " s each");
                LoadResult a = off.run("tracing-off-" + round, 64, s.alternation().window());
                show(a);
                offRuns.add(a);
                LoadResult b = on.run("tracing-default-" + round, 64, s.alternation().window());
                show(b);
                onRuns.add(b);
            }
            Spread offRps = Spread.of(offRuns.stream().map(LoadResult::rps).toList());
            Spread onRps = Spread.of(onRuns.stream().map(LoadResult::rps).toList());
            Spread offP99 = Spread.of(offRuns.stream().map(LoadResult::p99Ms).toList());
            Spread onP99 = Spread.of(onRuns.stream().map(LoadResult::p99Ms).toList());
            double ratio = onRps.median() / offRps.median();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("off_rps", offRps.toJson());
            json.put("default_rps", onRps.toJson());
            json.put("off_p99_ms", offP99.toJson());
            json.put("default_p99_ms", onP99.toJson());
            json.put("default_to_off", ratio);
            json.put("cost", 1 - ratio);
            json.put("off_runs", offRuns.stream().map(LoadResult::toJson).toList());
            json.put("default_runs", onRuns.stream().map(LoadResult::toJson).toList());
            json.put("inherited_settings", inherited);
            results.put("tracing", json);
            results.row(new Row("ingest, tracing off, 64 conns (median)", offRps.median(),
                    Spread.of(offRuns.stream().map(LoadResult::p50Ms).toList()).median(), offP99.median(), Double.NaN,
                    offRuns.stream().mapToLong(LoadResult::failed).sum(), "AFFIXO_TRACING_ENABLED=false; per s "
                            + offRps.range("%.0f")));
            String warning = inherited.isEmpty() ? "" : "; the default API inherited " + inherited;
            results.row(new Row("ingest, tracing default, 64 conns (median)", onRps.median(),
                    Spread.of(onRuns.stream().map(LoadResult::p50Ms).toList()).median(), onP99.median(), Double.NaN,
                    onRuns.stream().mapToLong(LoadResult::failed).sum(), String.format(Locale.ROOT,
                            "%.3f of tracing off (cost %.1f %%); per s %s%s", ratio, (1 - ratio) * 100,
                            onRps.range("%.0f"), warning)));
        } finally {
            ctx.cleanup().close(untraced);
            ctx.cleanup().close(traced);
        }
    }
}
