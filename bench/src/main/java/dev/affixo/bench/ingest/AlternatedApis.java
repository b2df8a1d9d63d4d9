package dev.affixo.bench.ingest;

import static dev.affixo.bench.run.RunContext.INGEST_TOPIC;
import static dev.affixo.bench.run.RunContext.READY_TIMEOUT;
import static dev.affixo.bench.run.RunContext.say;
import static dev.affixo.bench.run.RunContext.show;

import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.report.Spread;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.bench.stack.ProcessCpu;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Two fresh ingest APIs compared fairly: each is started, warmed to steady state on the same plain load, then both
 * are loaded alternately (B A B A B A … with the same 64 connections and window, as many rounds as the ratio rows),
 * and each window's throughput, latency and API CPU per click are kept. Both fresh on purpose: an API that has served
 * other traffic first (keyed, origin, open model) is a different JVM (its JIT has seen every path).
 */
final class AlternatedApis {

    /** One side: its label, its jar, and what it changes in the services' environment. */
    record Api(String name, String label, Path jar, Consumer<Map<String, String>> env) {
    }

    /** One side's windows, and their medians. */
    record Side(Api api, List<LoadResult> runs, List<Double> apiCpuMsPerClick, List<Double> brokerCpuMsPerClick) {

        Side(Api api) {
            this(api, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        Spread rps() {
            return Spread.of(runs.stream().map(LoadResult::rps).toList());
        }

        Spread p50() {
            return Spread.of(runs.stream().map(LoadResult::p50Ms).toList());
        }

        Spread p99() {
            return Spread.of(runs.stream().map(LoadResult::p99Ms).toList());
        }

        Spread cpu() {
            return Spread.of(apiCpuMsPerClick);
        }

        /** The broker's CPU per click in the same windows (it shares the two cores). */
        Spread brokerCpu() {
            return Spread.of(brokerCpuMsPerClick);
        }

        long failed() {
            return runs.stream().mapToLong(LoadResult::failed).sum();
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("rps", rps().toJson());
            json.put("p50_ms", p50().toJson());
            json.put("p99_ms", p99().toJson());
            json.put("api_cpu_ms_per_click", cpu().toJson());
            json.put("broker_cpu_ms_per_click", brokerCpu().toJson());
            json.put("runs", runs.stream().map(LoadResult::toJson).toList());
            return json;
        }
    }

    private final RunContext ctx;
    private final BenchSettings s;

    AlternatedApis(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
    }

    /** A started, warmed API and the plain load that warmed it. */
    record Warm(ServiceProcess process, RunContext.ClosedModel load) {
    }

    /** What else to measure on the two warm APIs before they are stopped. */
    interface Then {
        void run(Warm a, Warm b) throws Exception;
    }

    /** What to measure on one warm API before it is stopped. */
    interface OnOne {
        void run(Warm api) throws Exception;
    }

    /** One fresh API, started and warmed to steady state as each of {@link #compare}'s, then {@code then} on it. */
    void single(String key, Api api, OnOne then) throws Exception {
        ctx.kafkaLoad().ensureTopic(INGEST_TOPIC, 12);
        ServiceProcess process = start(api);
        try {
            say(api.label() + " pid " + process.pid() + ": waiting for readiness");
            process.awaitReady(READY_TIMEOUT);
            then.run(warm(key, api, process));
        } finally {
            ctx.cleanup().close(process);
        }
    }

    /** {@code a} and {@code b}, measured alternately; {@code a} is the reference (it runs first in each round). */
    List<Side> compare(String key, Api a, Api b) throws Exception {
        return compare(key, a, b, (first, second) -> { });
    }

    /**
     * As {@link #compare(String, Api, Api)} at 64 connections, then {@code then} on the same two (still warm)
     * processes.
     */
    List<Side> compare(String key, Api a, Api b, Then then) throws Exception {
        ctx.kafkaLoad().ensureTopic(INGEST_TOPIC, 12);
        ServiceProcess first = start(a);
        ServiceProcess second = start(b);
        try {
            say(a.label() + " pid " + first.pid() + ", " + b.label() + " pid " + second.pid()
                    + ": waiting for readiness");
            first.awaitReady(READY_TIMEOUT);
            second.awaitReady(READY_TIMEOUT);
            Warm warmA = warm(key, a, first);
            Warm warmB = warm(key, b, second);
            // the first API waited while the second warmed: one window to bring it back
            warmA.load().run(key + "-" + a.name() + "-topup", 64, s.alternation().window());
            List<Side> sides = alternate(key, a, warmA, b, warmB, 64);
            then.run(warmA, warmB);
            return sides;
        } finally {
            ctx.cleanup().close(second);
            ctx.cleanup().close(first);
        }
    }

    /**
     * The rounds of a comparison: {@code a} then {@code b} at {@code connections}, as many rounds as the ratio rows,
     * one window each; returns each side's windows.
     */
    List<Side> alternate(String key, Api a, Warm warmA, Api b, Warm warmB, int connections) throws Exception {
        Side sideA = new Side(a);
        Side sideB = new Side(b);
        int rounds = s.alternation().rounds();
        for (int round = 1; round <= rounds; round++) {
            say(key + ": round " + round + " of " + rounds + ", " + a.label() + " then " + b.label() + ", "
                    + connections + " conns, " + s.alternation().window().toSeconds() + " s each");
            measure(key + "-" + a.name() + "-" + round, warmA.process(), warmA.load(), sideA, connections);
            measure(key + "-" + b.name() + "-" + round, warmB.process(), warmB.load(), sideB, connections);
        }
        return List.of(sideA, sideB);
    }

    /** Warms a ready API to steady state on the plain load at 64 connections. */
    private Warm warm(String key, Api api, ServiceProcess process) throws Exception {
        RunContext.ClosedModel load = ctx.closedModel(process.port(), ctx.seed().apiKeys());
        ctx.warmUntilSteady(key + "." + api.name(), api.label() + " (64 conns)",
                (w, length) -> load.run(w, 64, length).rps());
        return new Warm(process, load);
    }

    /** One window of {@code load} on {@code api} at {@code connections}, kept in {@code side} with the CPU per click. */
    void measure(String name, ServiceProcess api, RunContext.ClosedModel load, Side side, int connections)
            throws Exception {
        ProcessCpu.Window cpu = ctx.cpuWindow(api.pid(), "api", ctx.wrk().isPresent());
        LoadResult r = load.run(name, connections, s.alternation().window());
        show(r);
        side.runs().add(r);
        Map<String, Double> cpuMs = cpu.msPerClick(r.ok());
        side.apiCpuMsPerClick().add(cpuMs.get("api"));
        side.brokerCpuMsPerClick().add(cpuMs.get("broker"));
    }

    private ServiceProcess start(Api api) throws Exception {
        Map<String, String> env = ctx.serviceEnv(INGEST_TOPIC, "bench.ingest.dead-letter", "bench-e2e");
        api.env().accept(env);
        return ctx.cleanup().register(ServiceProcess.start("ingest-api-" + api.name(), s.serviceJvmFlags(),
                List.of("-jar", api.jar().toString()), Ports.free(), env, s.logDir()));
    }
}
