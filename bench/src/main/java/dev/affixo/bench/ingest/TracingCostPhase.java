package dev.affixo.bench.ingest;

import static dev.affixo.bench.run.RunContext.say;

import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.report.Spread;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Phase {@code ingest_tracing} (part of ingest, issue 17): what tracing costs at its default (1 % sampling). Two
 * fresh APIs, one with the default settings and one with {@code AFFIXO_TRACING_ENABLED=false} (passed explicitly,
 * everything else the same), compared by {@link AlternatedApis}; the rows give the medians and their ratio.
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
        AlternatedApis.Api off = new AlternatedApis.Api("untraced", "ingest, tracing off", s.ingestJar(),
                env -> env.put("AFFIXO_TRACING_ENABLED", "false"));
        AlternatedApis.Api on = new AlternatedApis.Api("traced", "ingest, tracing default", s.ingestJar(), env -> { });
        List<AlternatedApis.Side> sides = new AlternatedApis(ctx).compare("tracing", off, on);
        AlternatedApis.Side offSide = sides.get(0);
        AlternatedApis.Side onSide = sides.get(1);
        Spread offRps = offSide.rps();
        Spread onRps = onSide.rps();
        double ratio = onRps.median() / offRps.median();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("off", offSide.toJson());
        json.put("default", onSide.toJson());
        json.put("default_to_off", ratio);
        json.put("cost", 1 - ratio);
        json.put("inherited_settings", inherited);
        results.put("tracing", json);
        results.row(new Row("ingest, tracing off, 64 conns (median)", offRps.median(), offSide.p50().median(),
                offSide.p99().median(), Double.NaN, offSide.failed(), String.format(Locale.ROOT,
                        "AFFIXO_TRACING_ENABLED=false; per s %s; API CPU %.4f ms/click", offRps.range("%.0f"),
                        offSide.cpu().median())));
        String warning = inherited.isEmpty() ? "" : "; the default API inherited " + inherited;
        results.row(new Row("ingest, tracing default, 64 conns (median)", onRps.median(), onSide.p50().median(),
                onSide.p99().median(), Double.NaN, onSide.failed(), String.format(Locale.ROOT,
                        "%.3f of tracing off (cost %.1f %%); per s %s; API CPU %.4f ms/click%s", ratio,
                        (1 - ratio) * 100, onRps.range("%.0f"), onSide.cpu().median(), warning)));
    }
}
