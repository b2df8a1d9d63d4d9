package dev.affixo.bench.baseline;

import static dev.affixo.bench.run.RunContext.READY_TIMEOUT;
import static dev.affixo.bench.run.RunContext.say;
import static dev.affixo.bench.run.RunContext.selfLaunch;

import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.util.List;
import java.util.Map;

/** Phase {@code baseline_http}: baseline (a), the bare WebFlux endpoint. */
public final class HttpBaselinePhase {

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public HttpBaselinePhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /** Baseline (a): the bare WebFlux endpoint, same JVM flags, same generator. */
    public void run() throws Exception {
        ServiceProcess server = ctx.cleanup().register(ServiceProcess.start("baseline-server", s.serviceJvmFlags(),
                selfLaunch("baseline-server"), Ports.freeShared(), Map.of(), s.logDir()));
        say("baseline-server pid " + server.pid() + ": waiting for readiness");
        server.awaitReady(READY_TIMEOUT);
        List<LoadResult> measured = ctx.measureHttp("baseline_http", server, List.of());
        LoadResult c64 = measured.get(measured.size() - 1);
        results.put("baseline_http.rps", c64.rps());
        results.put("baseline_http.p50_ms", c64.p50Ms());
        results.put("baseline_http.p99_ms", c64.p99Ms());
        results.put("baseline_http.p999_ms", c64.p999Ms());
        ctx.memory("baseline_http", server);
        ctx.cleanup().close(server);
    }
}
