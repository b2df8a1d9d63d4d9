package dev.affixo.bench.ingest;

import static dev.affixo.bench.run.RunContext.say;

import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.report.Spread;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.infra.process.ServiceProcess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What tracing costs at its default (1 % sampling), issue 17.
 *
 * <p>Part of ingest ({@code ingest_tracing}, {@link #runOneJvm}): inside one fresh API with the default settings,
 * warmed to steady state, windows whose requests carry an unsampled {@code traceparent} (nothing traced, by the W3C
 * rules the API follows), a sampled one (every click traced: server span, send span, the record's header) and none
 * (the default, 1 %), alternated. The first two send the same bytes and differ only in the flag, so their ratio is what
 * tracing a click costs; at 1 % sampling, tracing costs a hundredth of it plus the untraced request's check (one
 * header lookup and one random draw, no allocation: {@code ClickTracing}; docs/tracing.md gives its cost).
 *
 * <p>On request ({@code --only tracing}, {@link #runBoth}): first the older way, two fresh APIs, one with the
 * default settings and one with {@code AFFIXO_TRACING_ENABLED=false} (passed explicitly, everything else the same),
 * compared by {@link AlternatedApis}; then the one-JVM windows on the traced one. Two fresh JVMs differ by a few per
 * cent on their own (their JITs decide differently), which is the size of the cost to be measured: sessions 6 to 8
 * measured −11.7 to 5.6 % that way, and the one-JVM figure replaced it in part 1 (it also needs one fresh API, not
 * two). The very first version compared the ingest phase's API (which had also served keyed, origin and open-model
 * traffic) with a fresh one, and measured a 7.3 % gap where a CPU profile put ~1 % of samples in tracing code.
 */
public final class TracingCostPhase {

    /** The API's default sampling probability ({@code AFFIXO_TRACING_SAMPLING}). */
    private static final double DEFAULT_SAMPLING = 0.01;
    /** A parent for the one-JVM windows: the same on every request, so only the sampled flag differs. */
    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-";

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public TracingCostPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /** Part of ingest: one fresh API with the default settings, the one-JVM windows. */
    public void runOneJvm() throws Exception {
        warnOfInheritedSettings();
        AlternatedApis alternated = new AlternatedApis(ctx);
        AlternatedApis.Api traced = new AlternatedApis.Api("traced", "ingest, tracing default", s.ingestJar(),
                env -> { });
        // put beside, never over, what the warm-up wrote under "tracing" (its steady_state)
        alternated.single("tracing", traced, warm -> results.put("tracing.one_jvm", oneJvm(alternated, traced, warm)));
    }

    /** Children inherit the bench's environment: tracing settings there would make "the default" something else. */
    private List<String> warnOfInheritedSettings() {
        List<String> inherited = System.getenv().keySet().stream()
                .filter(k -> k.startsWith("AFFIXO_TRACING") || k.startsWith("OTEL_") || k.startsWith("MANAGEMENT_TRACING"))
                .sorted().toList();
        if (!inherited.isEmpty()) {
            say("tracing: WARNING, the bench's environment sets " + inherited + ": the 'default' API inherits them");
        }
        return inherited;
    }

    /** On request: two fresh APIs (tracing off, default) alternated, then the one-JVM windows on the traced one. */
    public void runBoth() throws Exception {
        List<String> inherited = warnOfInheritedSettings();
        AlternatedApis.Api off = new AlternatedApis.Api("untraced", "ingest, tracing off", s.ingestJar(),
                env -> env.put("AFFIXO_TRACING_ENABLED", "false"));
        AlternatedApis.Api on = new AlternatedApis.Api("traced", "ingest, tracing default", s.ingestJar(), env -> { });
        AlternatedApis alternated = new AlternatedApis(ctx);
        // with ingest also chosen, its part already measured the one-JVM rows
        boolean oneJvmHere = !s.phases().contains("ingest");
        List<AlternatedApis.Side> sides = alternated.compare("tracing", off, on, (offWarm, onWarm) -> {
            if (oneJvmHere) {
                results.put("tracing.one_jvm", oneJvm(alternated, on, onWarm));
            }
        });
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
        results.put("tracing.two_jvm", json);
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

    /**
     * The throughput lost when a share {@code sampling} of the clicks is traced, from the throughput with every click
     * traced relative to none ({@code everyToNone}): a traced click takes 1/everyToNone times an untraced one's time,
     * so a click takes 1 + sampling·(1/everyToNone − 1) on average and throughput falls by 1 − 1/that.
     */
    static double costAtSampling(double everyToNone, double sampling) {
        return 1 - 1 / (1 + sampling * (1 / everyToNone - 1));
    }

    /** The traced API's own windows: nothing traced, every click traced, the default; see the class comment. */
    private Map<String, Object> oneJvm(AlternatedApis alternated, AlternatedApis.Api api, AlternatedApis.Warm warm)
            throws Exception {
        ServiceProcess traced = warm.process();
        List<String> keys = ctx.seed().apiKeys();
        RunContext.ClosedModel none = ctx.closedModel(traced.port(), keys, "traceparent", PARENT + "00");
        RunContext.ClosedModel every = ctx.closedModel(traced.port(), keys, "traceparent", PARENT + "01");
        RunContext.ClosedModel byDefault = warm.load();
        // the traced path has run for 1 % of the clicks so far (thousands of spans, so compiled): one window to bring
        // it up as the main path before measuring it
        every.run("tracing-every-topup", 64, s.alternation().window());
        AlternatedApis.Side noneSide = new AlternatedApis.Side(api);
        AlternatedApis.Side everySide = new AlternatedApis.Side(api);
        AlternatedApis.Side defaultSide = new AlternatedApis.Side(api);
        int rounds = s.alternation().rounds();
        List<String> names = List.of("none", "every", "default");
        List<RunContext.ClosedModel> loads = List.of(none, every, byDefault);
        List<AlternatedApis.Side> sides = List.of(noneSide, everySide, defaultSide);
        for (int round = 1; round <= rounds; round++) {
            // each round starts with the next kind, so no kind always follows the same one
            say("tracing, one JVM: round " + round + " of " + rounds + " (none traced, every click traced, default)");
            for (int k = 0; k < names.size(); k++) {
                int i = (round - 1 + k) % names.size();
                alternated.measure("tracing-" + names.get(i) + "-" + round, traced, loads.get(i), sides.get(i), 64);
            }
        }
        double everyToNone = everySide.rps().median() / noneSide.rps().median();
        double defaultToNone = defaultSide.rps().median() / noneSide.rps().median();
        double cpuPerTracedClick = everySide.cpu().median() - noneSide.cpu().median();
        double costAtDefault = costAtSampling(everyToNone, DEFAULT_SAMPLING);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("none_traced", noneSide.toJson());
        json.put("every_click_traced", everySide.toJson());
        json.put("default", defaultSide.toJson());
        json.put("every_to_none", everyToNone);
        json.put("default_to_none", defaultToNone);
        json.put("api_cpu_ms_per_traced_click", cpuPerTracedClick);
        json.put("cost_at_default_sampling", costAtDefault);
        results.row(new Row("ingest, one JVM, no click traced (64 conns, median)", noneSide.rps().median(),
                noneSide.p50().median(), noneSide.p99().median(), Double.NaN, noneSide.failed(),
                String.format(Locale.ROOT, "traceparent ...-00 on every request; per s %s; API CPU %.4f ms/click",
                        noneSide.rps().range("%.0f"), noneSide.cpu().median())));
        results.row(new Row("ingest, one JVM, every click traced (median)", everySide.rps().median(),
                everySide.p50().median(), everySide.p99().median(), Double.NaN, everySide.failed(),
                String.format(Locale.ROOT, "traceparent ...-01; %.3f of none traced; per s %s; API CPU %.4f ms/click "
                        + "(+%.4f ms per traced click)%s", everyToNone, everySide.rps().range("%.0f"),
                        everySide.cpu().median(), cpuPerTracedClick, cpuPerTracedClick > 0 ? ""
                                // tracing every click must cost something: else the header never reached the API
                                : "; WARNING: no extra CPU, check that the sampled traceparent reached the API")));
        results.row(new Row("ingest, one JVM, default 1 % (median)", defaultSide.rps().median(),
                defaultSide.p50().median(), defaultSide.p99().median(), Double.NaN, defaultSide.failed(),
                String.format(Locale.ROOT, "no traceparent; %.3f of none traced (measured); from every click traced: "
                        + "cost at 1 %% = %.2f %%; per s %s; API CPU %.4f ms/click", defaultToNone,
                        costAtDefault * 100, defaultSide.rps().range("%.0f"), defaultSide.cpu().median())));
        return json;
    }
}
