package dev.affixo.bench.ingest;

import static dev.affixo.bench.run.RunContext.INGEST_TOPIC;
import static dev.affixo.bench.run.RunContext.PATH;
import static dev.affixo.bench.run.RunContext.READY_TIMEOUT;
import static dev.affixo.bench.run.RunContext.fmt;
import static dev.affixo.bench.run.RunContext.requireJar;
import static dev.affixo.bench.run.RunContext.say;
import static dev.affixo.bench.run.RunContext.show;

import dev.affixo.bench.load.ClickBodies;
import dev.affixo.bench.load.LoadGenerator;
import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.processing.RowWatcher;
import dev.affixo.bench.report.CpuPerClick;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.bench.stack.BrokerMetrics;
import dev.affixo.bench.stack.ProcessCpu;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/** Phase {@code end_to_end} (part of ingest): "200 received -> row visible" with a processor running. */
public final class EndToEndPhase {

    /** The slices of a phase whose p99 the row lists (server clocks). */
    private static final Duration SLICE = Duration.ofSeconds(5);

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public EndToEndPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    public void run(ServiceProcess api, double maxIngest) throws Exception {
        requireJar(s.processorJar());
        ctx.kafkaLoad().createTopic("bench.ingest.dead-letter", 1);
        ServiceProcess processor = ctx.cleanup().register(ServiceProcess.start("click-processor-e2e", s.serviceJvmFlags(),
                List.of("-jar", s.processorJar().toString(),
                        // Only the clicks sent from now on: the ingest phases' clicks are not this phase's business.
                        "--spring.kafka.streams.properties.auto.offset.reset=latest"),
                Ports.freeManagementOnly(), ctx.serviceEnv(INGEST_TOPIC, "bench.ingest.dead-letter", "bench-e2e"), s.logDir()));
        try {
            say("click-processor (end-to-end) pid " + processor.pid() + ": waiting for readiness");
            processor.awaitReady(READY_TIMEOUT);
            awaitFirstRow(api);
            awaitRowCountSettles(Duration.ofSeconds(60));
            warmProcessor(api, Math.max(1, s.endToEndShareOfMax() * maxIngest));
            // Light load first, where the latency is the pipeline's own; then half the maximum, where the API,
            // the processor, the broker, PostgreSQL and the generator share the two cores.
            measureEndToEnd(api, processor, "e2e_light", Math.max(1, s.endToEndLightShareOfMax() * maxIngest));
            measureEndToEnd(api, processor, "e2e", Math.max(1, s.endToEndShareOfMax() * maxIngest));
        } finally {
            ctx.cleanup().close(processor);
        }
    }

    /**
     * The API is warm by now (the ingest rows ran on it), the processor is minutes younger: its first seconds under
     * load (JIT, the first transactions) took several seconds per click, and at light load that start-up backlog was
     * the whole p99. As the ingest rows are measured warm, so is this: one phase at the half-load rate, then the
     * rows settle. How long a fresh instance takes to get there is the startup phase's figure, not this one.
     */
    private void warmProcessor(ServiceProcess api, double rate) throws Exception {
        say(String.format(Locale.ROOT, "end-to-end: warming the processor at %.0f/s for %ds", rate, s.phase().toSeconds()));
        try (LoadGenerator gen = new LoadGenerator(api.port(), PATH, 64, ctx.seed().apiKeys())) {
            gen.open("e2e-warmup", rate, s.phase(), ctx.bodies()::get, null);
        }
        awaitRowCountSettles(Duration.ofSeconds(60));
    }

    /**
     * 200 -> row visible at {@code rate} for one phase: 1 request in {@code endToEndSampleEvery} watched, or more
     * often when that would give fewer than ~1 000 samples (at light load 1 in 100 left ~70, so p99 was the maximum).
     */
    private void measureEndToEnd(ServiceProcess api, ServiceProcess processor, String key, double rate)
            throws Exception {
        int every = (int) Math.max(1, Math.min(s.endToEndSampleEvery(), rate * s.phase().toSeconds() / 1000));
        SplittableRandom random = new SplittableRandom(7);
        String prefix = key + "-";
        LongFunction<byte[]> body = i -> i % every == 0
                ? ClickBodies.body(ClickBodies.ref(random.nextInt(BenchSettings.LINKS)), prefix + i, null, 1)
                        .getBytes(StandardCharsets.UTF_8)
                : ctx.bodies().get(i);
        say(String.format(Locale.ROOT, "end-to-end: open model at %.0f/s with the processor running, "
                + "1 request in %d sampled, for %ds", rate, every, s.phase().toSeconds()));
        LoadResult load;
        RowWatcher.Result e2e;
        Map<String, Double> cpuMs;
        double cpuSeconds;
        Map<String, Double> brokerRequests;
        Instant from;
        try (RowWatcher watcher = new RowWatcher(ctx.pg().dataSource(), ctx.seed().workspaceId());
             LoadGenerator gen = new LoadGenerator(api.port(), PATH, 64, ctx.seed().apiKeys())) {
            // How busy the machine was: at "half load" of the API alone, the pipeline's every participant shares it.
            // The window runs until every row of the phase is in, so a processor that lags is charged in full.
            Map<String, Long> services = new LinkedHashMap<>();
            services.put("api", api.pid());
            services.put("processor", processor.pid());
            ProcessCpu.Window cpu = ctx.cpuWindow(services, false);
            // What the broker serves meanwhile, by request type: at low rates its CPU per click is many times a
            // burst's, and the counts say which requests do not shrink with the rate.
            Map<String, Long> requestsFrom = ctx.kafka().metrics().requestCounts();
            long start = System.nanoTime();
            from = Instant.now();
            load = gen.open(key + "-load", rate, s.phase(), body, (i, intended, answered) -> {
                if (i % every == 0) {
                    watcher.answered(prefix + i, answered);
                }
            });
            watcher.awaitAll(30_000);
            e2e = watcher.result();
            awaitRowCountSettles(Duration.ofSeconds(30));
            cpuMs = cpu.msPerClick(load.ok());
            cpuSeconds = (System.nanoTime() - start) / 1e9;
            brokerRequests = BrokerMetrics.ratesBetween(requestsFrom, ctx.kafka().metrics().requestCounts(), cpuSeconds);
        }
        show(load);
        Instant until = from.plus(s.phase());
        double[] server = serverSideLatency(from, until);
        List<Double> p99BySlice = serverSideP99BySlice(from, until, SLICE);
        results.put(key + ".offered_rps", rate);
        results.put(key + ".ingest", load.toJson());
        results.put(key + ".samples", e2e.samples());
        results.put(key + ".samples_missing", e2e.missing());
        results.put(key + ".p50_ms", e2e.p50Ms());
        results.put(key + ".p99_ms", e2e.p99Ms());
        results.put(key + ".max_ms", e2e.maxMs());
        results.put(key + ".poll_resolution_ms", 10);
        results.put(key + ".server_p50_ms", server[0]);
        results.put(key + ".server_p99_ms", server[1]);
        results.put(key + ".server_p99_ms_by_5s", p99BySlice);
        double coresBusy = CpuPerClick.coresBusy(cpuMs.values().stream().mapToDouble(Double::doubleValue).sum(),
                load.ok(), cpuSeconds);
        cpuMs.forEach((participant, ms) -> results.put(key + ".cpu." + participant + "_ms_per_click", ms));
        results.put(key + ".cpu.cores_busy", coresBusy);
        brokerRequests.forEach((type, perSecond) -> results.put(key + ".broker_requests_per_s." + type, perSecond));
        results.row(new Row(String.format(Locale.ROOT, "end-to-end 200 -> row, at %.0f/s", rate),
                Double.NaN, e2e.p50Ms(), e2e.p99Ms(), Double.NaN, load.failed(),
                String.format(Locale.ROOT, "%d samples, %d missing; requests' own p50 %s ms; "
                        + "processed_at-received_at p50 %s p99 %s ms, p99 by 5 s of the phase %s; %.2f cores busy "
                        + "(CPU ms/click %s); broker requests/s %s", e2e.samples(), e2e.missing(), fmt(load.p50Ms()),
                        fmt(server[0]), fmt(server[1]), p99BySlice.stream().map(RunContext::fmt).toList(), coresBusy,
                        CpuPerClick.perParticipant(cpuMs), busiest(brokerRequests, 6, load.ok() / cpuSeconds))));
        say(String.format(Locale.ROOT, "  e2e 200 -> row visible: p50 %.1f ms, p99 %.1f ms (%d samples, %d missing)",
                e2e.p50Ms(), e2e.p99Ms(), e2e.samples(), e2e.missing()));
    }

    /** "FetchConsumer 812 (0.81/click), Produce 430 (0.43/click), …": the {@code n} busiest request types. */
    static String busiest(Map<String, Double> perSecond, int n, double clicksPerSecond) {
        if (perSecond.isEmpty()) {
            return "N/A";
        }
        return perSecond.entrySet().stream().limit(n)
                .map(e -> String.format(Locale.ROOT, "%s %.0f (%.2f/click)", e.getKey(), e.getValue(),
                        e.getValue() / clicksPerSecond))
                .collect(Collectors.joining(", "));
    }

    /**
     * Readiness only says the stream is running or rebalancing; with auto.offset.reset=latest a click sent
     * before the partitions are assigned would be skipped. So probe clicks go in until one comes out.
     */
    private void awaitFirstRow(ServiceProcess api) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try (RowWatcher watcher = new RowWatcher(ctx.pg().dataSource(), ctx.seed().workspaceId());
             LoadGenerator gen = new LoadGenerator(api.port(), PATH, 4, ctx.seed().apiKeys())) {
            for (int round = 0; System.nanoTime() < deadline; round++) {
                String prefix = "probe-" + round + "-";
                gen.open("probe", 4, Duration.ofSeconds(1),
                        i -> ClickBodies.body(ClickBodies.ref((int) i), prefix + i, null, 1).getBytes(StandardCharsets.UTF_8),
                        (i, intended, answered) -> watcher.answered(prefix + i, answered));
                watcher.awaitAll(2_000);
                if (watcher.result().samples() > 0) {
                    say("  processor is consuming (probe row visible)");
                    return;
                }
            }
        }
        throw new IllegalStateException("no probe click reached the clicks table within 90 s");
    }

    /** Waits until the row count stops moving (the end-to-end processor may still be catching up). */
    private void awaitRowCountSettles(Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = ctx.countClicks();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            long now = ctx.countClicks();
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    /**
     * p99 of processed_at - received_at (server clocks, ms) for each {@code slice} of the phase by received_at, in
     * order (NaN for a slice without rows): whether the phase's p99 is a transient (its first slice, right after the
     * rate stepped up) or steady.
     */
    private List<Double> serverSideP99BySlice(Instant from, Instant until, Duration slice) throws SQLException {
        int slices = (int) Math.ceil(Duration.between(from, until).toMillis() / (double) slice.toMillis());
        List<Double> out = new ArrayList<>(Collections.nCopies(slices, Double.NaN));
        try (Connection c = ctx.pg().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select floor(extract(epoch from received_at - cast(? as timestamptz)) / cast(? as double precision)) as slice,
                            percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at))
                     from clicks where workspace_id = ? and received_at >= ? and received_at < ?
                     group by 1 order by 1""")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setDouble(2, slice.toMillis() / 1000.0);
            ps.setLong(3, ctx.seed().workspaceId());
            ps.setTimestamp(4, Timestamp.from(from));
            ps.setTimestamp(5, Timestamp.from(until));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int index = rs.getInt(1);
                    if (index >= 0 && index < slices) {
                        out.set(index, rs.getDouble(2) * 1000);
                    }
                }
            }
        }
        return out;
    }

    /** p50 and p99 of processed_at - received_at (server clocks, ms) for rows received in [from, until). */
    private double[] serverSideLatency(Instant from, Instant until) throws SQLException {
        try (Connection c = ctx.pg().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)),
                            percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at))
                     from clicks where workspace_id = ? and received_at >= ? and received_at < ?""")) {
            ps.setLong(1, ctx.seed().workspaceId());
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(until));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new double[] {rs.getDouble(1) * 1000, rs.getDouble(2) * 1000};
            }
        }
    }
}
