package dev.affixo.bench.ingest;

import static dev.affixo.bench.run.RunContext.READY_TIMEOUT;
import static dev.affixo.bench.run.RunContext.say;
import static dev.affixo.bench.run.RunContext.selfLaunch;
import static dev.affixo.bench.run.RunContext.show;

import dev.affixo.bench.baseline.ClosedLoopProducer;
import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.report.CpuPerClick;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.report.Spread;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.bench.stack.BrokerMetrics;
import dev.affixo.bench.stack.ProcessCpu;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Phase {@code ingest_ratios} (part of ingest, issue 17): the ratio rows, A B A B A B in one invocation. With
 * the warm API of the ingest phase, a bare WebFlux server (baseline a) and a bare producer closed loop
 * (baseline b′) all up and warmed to steady state, each round runs ingest at 64 connections, the bare server at
 * 64, ingest at 16, the bare server at 16 and the producer at 16 in flight, one after the other; the table gives
 * each one's median and range over the rounds, its CPU per click, and the ratios of the medians with what bounds
 * them on these cores. Alternating spreads the machine's drift over both sides of each ratio instead of putting
 * it between two phases minutes apart. Then the producer once at 64 in flight.
 */
public final class AlternatingRatiosPhase {

    private static final String TOPIC = "bench.closed-loop";

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public AlternatingRatiosPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /**
     * One side of a ratio: what it runs, the process that serves it ({@code role}, whose CPU is measured beside the
     * broker's and wrk's), and its results and CPU per click round by round.
     */
    private record Arm(String key, String label, Load load, long pid, String role, boolean wrk,
                       List<LoadResult> runs, List<Map<String, Double>> cpu) {
        Arm(String key, String label, Load load, long pid, String role, boolean wrk) {
            this(key, label, load, pid, role, wrk, new ArrayList<>(), new ArrayList<>());
        }

        /** The median over the rounds of one participant's CPU ms per click. */
        double cpuMs(String participant) {
            return Spread.of(cpu.stream().map(m -> m.getOrDefault(participant, Double.NaN)).toList()).median();
        }
    }

    private interface Load {
        LoadResult run(String name, Duration length) throws Exception;
    }

    public void run(ServiceProcess api) throws Exception {
        ServiceProcess bare = ctx.cleanup().register(ServiceProcess.start("baseline-server-ratios",
                s.serviceJvmFlags(), selfLaunch("baseline-server"), Ports.freeShared(), Map.of(), s.logDir()));
        try {
            say("baseline-server (ratios) pid " + bare.pid() + ": waiting for readiness");
            bare.awaitReady(READY_TIMEOUT);
            ctx.kafkaLoad().createTopic(TOPIC, 12);
            try (ClosedLoopProducer producer = new ClosedLoopProducer(ctx.kafka().bootstrapServers(), TOPIC,
                    ctx.events(5))) {
                RunContext.ClosedModel ingest = ctx.closedModel(api.port(), ctx.seed().apiKeys());
                RunContext.ClosedModel bareHttp = ctx.closedModel(bare.port(), List.of());
                ctx.warmUntilSteady("ratios.bare_http", "bare WebFlux (A/B, 64 conns)",
                        (w, length) -> bareHttp.run(w, 64, length).rps());
                ctx.warmUntilSteady("ratios.bare_producer", "bare producer (A/B, 16 in flight)",
                        (w, length) -> producer.run(w, 16, length).rps());
                // the ingest API is steady from the ingest phase's warm-up; a short top-up after the idle minute
                ingest.run("ratios-ingest-topup", 64, s.alternation().window());

                boolean wrk = ctx.wrk().isPresent();
                long self = ProcessHandle.current().pid();
                Arm ingest64 = new Arm("ingest_64", "A/B ingest, 64 conns", (n, d) -> ingest.run(n, 64, d),
                        api.pid(), "api", wrk);
                Arm bare64 = new Arm("bare_http_64", "A/B (a) bare WebFlux, 64 conns", (n, d) -> bareHttp.run(n, 64, d),
                        bare.pid(), "server", wrk);
                Arm ingest16 = new Arm("ingest_16", "A/B ingest, 16 conns", (n, d) -> ingest.run(n, 16, d),
                        api.pid(), "api", wrk);
                Arm bare16 = new Arm("bare_http_16", "A/B (a) bare WebFlux, 16 conns", (n, d) -> bareHttp.run(n, 16, d),
                        bare.pid(), "server", wrk);
                Arm producer16 = new Arm("bare_producer_16", "A/B (b') bare producer, 16 in flight",
                        (n, d) -> producer.run(n, 16, d), self, "producer", false);
                List<Arm> arms = List.of(ingest64, bare64, ingest16, bare16, producer16);
                int rounds = s.alternation().rounds();
                for (int round = 1; round <= rounds; round++) {
                    say(String.format(Locale.ROOT, "ratios: round %d of %d, %d s each: %s", round, rounds,
                            s.alternation().window().toSeconds(),
                            String.join(", ", arms.stream().map(Arm::label).toList())));
                    for (Arm arm : arms) {
                        ProcessCpu.Window cpu = ctx.cpuWindow(arm.pid(), arm.role(), arm.wrk());
                        LoadResult r = arm.load().run("ratios-" + arm.key() + "-" + round, s.alternation().window());
                        arm.cpu().add(cpu.msPerClick(r.ok()));
                        show(r);
                        arm.runs().add(r);
                    }
                }
                for (Arm arm : arms) {
                    report(arm);
                }
                Map<String, BrokerMetrics.Reading> brokerFrom = ctx.kafka().metrics().read();
                LoadResult p64 = producer.run("bare-producer-64", 64, s.alternation().window());
                Map<String, BrokerMetrics.Part> broker = BrokerMetrics.between(brokerFrom, ctx.kafka().metrics().read());
                show(p64);
                results.put("ratios.bare_producer_64", p64.toJson());
                results.put("ratios.bare_producer_value_bytes", producer.avgValueBytes());
                results.row(new Row("(b') bare producer, 64 in flight", p64.rps(), p64.p50Ms(), p64.p99Ms(),
                        p64.p999Ms(), p64.failed(), String.format(Locale.ROOT, "acks=all, idempotent, linger 0, "
                                + "2 in flight, %.0f-byte values; once, after the rounds", producer.avgValueBytes())));
                ctx.brokerProduceRow("ratios.bare_producer_64", "(b') bare producer, 64 in flight", broker,
                        p64.seconds());
                ratios(ingest64, bare64, ingest16, bare16, producer16);
            }
        } finally {
            ctx.cleanup().close(bare);
        }
    }

    private void report(Arm arm) {
        Spread rps = Spread.of(arm.runs().stream().map(LoadResult::rps).toList());
        Spread p50 = Spread.of(arm.runs().stream().map(LoadResult::p50Ms).toList());
        Spread p99 = Spread.of(arm.runs().stream().map(LoadResult::p99Ms).toList());
        Spread p999 = Spread.of(arm.runs().stream().map(LoadResult::p999Ms).toList());
        long failed = arm.runs().stream().mapToLong(LoadResult::failed).sum();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rps", rps.toJson());
        json.put("p50_ms", p50.toJson());
        json.put("p99_ms", p99.toJson());
        json.put("p999_ms", p999.toJson());
        json.put("non_200", failed);
        json.put("runs", arm.runs().stream().map(LoadResult::toJson).toList());
        json.put("cpu_ms_per_click", arm.cpu());
        Map<String, Double> cpuMedians = new LinkedHashMap<>();
        for (String participant : cpuParticipants(arm)) {
            double ms = arm.cpuMs(participant);
            json.put(participant + "_cpu_ms_per_click", Double.isFinite(ms) ? ms : null);
            cpuMedians.put(participant, ms);
        }
        String cpu = "; CPU ms/click (median): " + CpuPerClick.perParticipant(cpuMedians);
        results.put("ratios." + arm.key(), json);
        results.row(new Row(arm.label() + " (median)", rps.median(), p50.median(), p99.median(), p999.median(),
                failed, String.format(Locale.ROOT, "per s %s; p50 %s; p99 %s ms%s", rps.range("%.0f"),
                        p50.range("%.2f"), p99.range("%.2f"), cpu)));
    }

    /** The CPU ms per click of all the arm's participants together (medians added). */
    private static double cpuTotal(Arm arm) {
        return cpuParticipants(arm).stream().mapToDouble(arm::cpuMs).sum();
    }

    /**
     * The arm's own process, the broker and whoever generates its load: wrk, or without wrk the bench JVM's built-in
     * generator. The producer's client is its own process (the bench JVM, already its role).
     */
    private static List<String> cpuParticipants(Arm arm) {
        if (arm.wrk()) {
            return List.of(arm.role(), "broker", "wrk");
        }
        return arm.role().equals("producer") ? List.of(arm.role(), "broker") : List.of(arm.role(), "broker", "bench");
    }

    /**
     * The ratios, each of the medians. Beside the p50 ratio, its floor: a reply after the ack is an HTTP
     * exchange and a produce round trip one after the other, so (bare WebFlux p50 at 16 + bare producer p50 at 16)
     * over the producer's p50 is what an API that added nothing at all, not even a thread hop, would score.
     */
    private void ratios(Arm ingest64, Arm bare64, Arm ingest16, Arm bare16, Arm producer16) {
        double throughput = median(ingest64, LoadResult::rps) / median(bare64, LoadResult::rps);
        double p99 = median(ingest64, LoadResult::p99Ms) / median(bare64, LoadResult::p99Ms);
        double producerP50 = median(producer16, LoadResult::p50Ms);
        double p50vsAck = median(ingest16, LoadResult::p50Ms) / producerP50;
        double p50Floor = serialFloor(median(bare16, LoadResult::p50Ms), producerP50);
        results.put("ratios.ingest_to_bare_http_64", throughput);
        results.put("ratios.ingest_p99_to_bare_http_p99_64", p99);
        results.put("ratios.ingest_p50_16_to_bare_producer_p50_16", p50vsAck);
        results.put("ratios.serial_floor_p50_16_to_bare_producer_p50_16", p50Floor);
        results.row(new Row("A/B ratios (of the medians)", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                String.format(Locale.ROOT, "ingest/bare WebFlux 64: %.2f (p99 %.2f×); ingest p50 at 16 / producer "
                        + "p50 at 16 in flight: %.2f× (floor: bare WebFlux p50 at 16 + the producer's, %.2f×)",
                        throughput, p99, p50vsAck, p50Floor)));
        cpuBudget(ingest64, bare64);
    }

    /**
     * What the throughput ratio can reach on these cores. Every participant shares the machine's cores, so at
     * saturation clicks/s is inversely proportional to the CPU all of them spend per click. An API that cost no more
     * than the bare server would still bring the broker it publishes to: bare / (bare + broker) is the ratio
     * such an API reaches, and the API's CPU beyond the bare server is what stands between it and the measured one.
     */
    private void cpuBudget(Arm ingest64, Arm bare64) {
        double api = ingest64.cpuMs("api");
        double server = bare64.cpuMs("server");
        double ingestTotal = cpuTotal(ingest64);
        double bareTotal = cpuTotal(bare64);
        double ceiling = ceilingWithBroker(bareTotal, ingest64.cpuMs("broker"));
        double predicted = bareTotal / ingestTotal;
        results.put("ratios.cpu.api_beyond_bare_ms_per_click", api - server);
        results.put("ratios.cpu.ingest_total_ms_per_click", ingestTotal);
        results.put("ratios.cpu.bare_total_ms_per_click", bareTotal);
        results.put("ratios.cpu.ratio_from_cpu", predicted);
        results.put("ratios.cpu.ratio_ceiling_with_broker", ceiling);
        results.row(new Row("A/B CPU budget, 64 conns", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                String.format(Locale.ROOT, "all participants' CPU ms/click: ingest %.4f (API %.4f, %.4f beyond the "
                        + "bare server), bare WebFlux %.4f; ratio from CPU %.2f; an API costing no more than the bare "
                        + "server, with its broker: %.2f", ingestTotal, api, api - server, bareTotal, predicted,
                        ceiling)));
    }

    /** The p50 ratio of a reply after the ack that added nothing to an HTTP exchange and a produce round trip. */
    static double serialFloor(double bareHttpP50, double producerP50) {
        return (bareHttpP50 + producerP50) / producerP50;
    }

    /**
     * The throughput ratio of an API costing the bare server's CPU per click, with the broker it publishes to on the
     * same cores: at saturation clicks/s is inversely proportional to all participants' CPU per click.
     */
    static double ceilingWithBroker(double bareTotalMsPerClick, double brokerMsPerClick) {
        return bareTotalMsPerClick / (bareTotalMsPerClick + brokerMsPerClick);
    }

    private static double median(Arm arm, java.util.function.ToDoubleFunction<LoadResult> figure) {
        return Spread.of(arm.runs().stream().map(r -> figure.applyAsDouble(r)).toList()).median();
    }
}
