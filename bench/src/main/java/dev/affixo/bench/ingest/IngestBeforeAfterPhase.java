package dev.affixo.bench.ingest;

import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.report.Spread;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Phase {@code api_before_after} (runs when {@code --ingest-before JAR} is given): an older ingest-api jar against
 * the one under {@code --root}, as two fresh APIs compared by {@link AlternatedApis} in the same run, so a change to
 * the API's hot path is judged by throughput and CPU per click on the same machine at the same moment rather than
 * by figures from two runs.
 */
public final class IngestBeforeAfterPhase {

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public IngestBeforeAfterPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    public void run() throws Exception {
        if (s.ingestBefore() == null) {
            throw new IllegalStateException("api_before_after needs the older jar: --ingest-before JAR");
        }
        AlternatedApis.Api before = new AlternatedApis.Api("before", "ingest, before (" + s.ingestBefore()
                .getFileName() + ")", s.ingestBefore(), env -> { });
        AlternatedApis.Api after = new AlternatedApis.Api("after", "ingest, after", s.ingestJar(), env -> { });
        AlternatedApis alternated = new AlternatedApis(ctx);
        List<AlternatedApis.Side> at16 = new ArrayList<>();
        // 16 connections as well: the machine is not saturated there, so latency shows what waits rather than what
        // works (the p50 target is at 16)
        List<AlternatedApis.Side> sides = alternated.compare("before_after", before, after,
                (first, second) -> at16.addAll(alternated.alternate("before_after_16", before, first, after, second,
                        16)));
        AlternatedApis.Side b = sides.get(0);
        AlternatedApis.Side a = sides.get(1);
        AlternatedApis.Side b16 = at16.get(0);
        AlternatedApis.Side a16 = at16.get(1);
        double p50Ratio16 = a16.p50().median() / b16.p50().median();
        double ratio = a.rps().median() / b.rps().median();
        double cpuRatio = a.cpu().median() / b.cpu().median();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("before_jar", s.ingestBefore().toString());
        json.put("before", b.toJson());
        json.put("after", a.toJson());
        json.put("after_to_before_rps", ratio);
        json.put("after_to_before_api_cpu", cpuRatio);
        json.put("before_16", b16.toJson());
        json.put("after_16", a16.toJson());
        json.put("after_to_before_p50_16", p50Ratio16);
        results.put("before_after", json);
        results.row(row("ingest before, 64 conns (median)", b, s.ingestBefore().toString()));
        results.row(row("ingest after, 64 conns (median)", a, String.format(Locale.ROOT,
                "%.3f of before; API CPU %.3f of before", ratio, cpuRatio)));
        results.row(row("ingest before, 16 conns (median)", b16, ""));
        results.row(row("ingest after, 16 conns (median)", a16, String.format(Locale.ROOT,
                "%.3f of before; p50 %.3f of before", a16.rps().median() / b16.rps().median(), p50Ratio16)));
    }

    private static Row row(String what, AlternatedApis.Side side, String note) {
        Spread rps = side.rps();
        return new Row(what, rps.median(), side.p50().median(), side.p99().median(), Double.NaN, side.failed(),
                String.format(Locale.ROOT, "per s %s; API CPU %.4f ms/click (%s), broker %.4f; %s",
                        rps.range("%.0f"), side.cpu().median(), side.cpu().range("%.4f"), side.brokerCpu().median(),
                        note));
    }
}
