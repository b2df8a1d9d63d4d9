package dev.affixo.bench.ingest;

import static dev.affixo.bench.run.RunContext.BODY_POOL;
import static dev.affixo.bench.run.RunContext.INGEST_TOPIC;
import static dev.affixo.bench.run.RunContext.PATH;
import static dev.affixo.bench.run.RunContext.READY_TIMEOUT;
import static dev.affixo.bench.run.RunContext.requireJar;
import static dev.affixo.bench.run.RunContext.say;
import static dev.affixo.bench.run.RunContext.show;

import dev.affixo.bench.load.ClickBodies;
import dev.affixo.bench.load.LoadGenerator;
import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.load.WrkLoad;
import dev.affixo.bench.processing.Footprint;
import dev.affixo.bench.processing.LogRecords;
import dev.affixo.bench.report.CpuPerClick;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.bench.stack.ProcessCpu;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Phase {@code ingest}: the API at 16 and 64 connections, with keys and origin, at a fixed rate; then end-to-end. */
public final class IngestPhase {

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public IngestPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /** Ingest at 16 and 64 connections and at a fixed rate, then end-to-end latency at half the max. */
    public void run() throws Exception {
        requireJar(s.ingestJar());
        Map<String, String> env = ctx.serviceEnv(INGEST_TOPIC, "bench.ingest.dead-letter", "bench-e2e");
        // The API never creates its topic (affixo-admin topics create does): 12 partitions, as production's compose.
        ctx.kafkaLoad().createTopic(INGEST_TOPIC, 12);
        ServiceProcess api = ctx.cleanup().register(ServiceProcess.start("ingest-api", s.serviceJvmFlags(),
                List.of("-jar", s.ingestJar().toString()), Ports.free(), env, s.logDir()));
        say("ingest-api pid " + api.pid() + ": waiting for readiness");
        api.awaitReady(READY_TIMEOUT);
        List<LoadResult> measured = ctx.measureHttp("ingest", api, ctx.seed().apiKeys());
        LoadResult c64 = measured.get(measured.size() - 1);
        LoadResult c16 = measured.get(0);
        ctx.phase("ingest_keyed", () -> ingestWithIdempotencyKeys(api, c64));
        ctx.phase("ingest_origin", () -> ingestWithVisitorOrigin(api));
        try (LoadGenerator gen = new LoadGenerator(api.port(), PATH, 64, ctx.seed().apiKeys())) {
            // The open model and end-to-end run on the built-in generator, which costs far more CPU per request
            // than wrk: their rates are shares of what it reaches itself here, not of wrk's figure.
            LoadResult builtIn = gen.closed("ingest-builtin-64", s.phase().dividedBy(2), ctx.bodies()::get);
            show(builtIn);
            results.put("ingest.builtin_closed_64", builtIn.toJson());
            results.row(new Row("ingest, 64 conns, built-in generator", builtIn.rps(), builtIn.p50Ms(),
                    builtIn.p99Ms(), builtIn.p999Ms(), builtIn.failed(), "sets the open model's rate"));
            double max = builtIn.rps();
            double rate = Math.max(1, s.openModelShareOfMax() * max);
            say(String.format(Locale.ROOT, "ingest open model at %.0f/s (%.0f %% of the built-in generator's "
                    + "closed-model %.0f/s) for %ds", rate, s.openModelShareOfMax() * 100, max, s.phase().toSeconds()));
            LoadResult open = gen.open("ingest-open", rate, s.phase(), ctx.bodies()::get, null);
            show(open);
            results.put("ingest.open", open.toJson());
            results.row(new Row(String.format(Locale.ROOT, "ingest open model %.0f/s (CO-corrected)", rate),
                    open.rps(), open.p50Ms(), open.p99Ms(), open.p999Ms(), open.failed(), "64 conns"));
        }
        ctx.phase("ingest_ratios", () -> new AlternatingRatiosPhase(ctx).run(api));
        ctx.phase("ingest_tracing", () -> new TracingCostPhase(ctx).runOneJvm());
        results.put("ingest.rps", c64.rps());
        results.put("ingest.p50_ms", c64.p50Ms());
        results.put("ingest.p99_ms", c64.p99Ms());
        results.put("ingest.p999_ms", c64.p999Ms());
        results.put("ingest.max_rps", Math.max(c16.rps(), c64.rps()));
        ctx.memory("ingest_api", api);

        ctx.phase("end_to_end", () -> new EndToEndPhase(ctx).run(api, results.number("ingest.builtin_closed_64.rps")));
        ctx.cleanup().close(api);
        // What the API's own producer (linger 0: small batches) puts on disk per click, unlike the backlog's.
        LogRecords.Stats apiTopic = LogRecords.of(ctx.brokerDir(), Footprint.partitionsOf(INGEST_TOPIC));
        results.put("storage.kafka_api_topic_bytes_per_click", apiTopic.bytesPerRecord());
        results.put("storage.kafka_api_topic_records_per_batch", apiTopic.recordsPerBatch());
        say(String.format(Locale.ROOT, "  API topic: %.0f B/click, %.1f clicks per record batch (%d clicks)",
                apiTopic.bytesPerRecord(), apiTopic.recordsPerBatch(), apiTopic.records()));
    }

    /**
     * The cost of {@code Idempotency-Key}: the same load as the 64-connection row right before it (so the JVMs
     * and the broker are as warm), every request with a fresh key, so every one claims its key in PostgreSQL.
     */
    private void ingestWithIdempotencyKeys(ServiceProcess api, LoadResult unkeyed64) throws Exception {
        if (ctx.wrk().isEmpty()) {
            say("ingest with Idempotency-Key: skipped, needs wrk (apt-get install wrk)");
            return;
        }
        WrkLoad keyed = WrkLoad.prepare(ctx.wrk().get(), ctx.wrkDir(), api.port(),
                PATH, ctx.seed().apiKeys(), ctx.bodies(), BODY_POOL).withFreshIdempotencyKeys("bench-" + System.nanoTime());
        say("ingest with a fresh Idempotency-Key per request: closed model, 64 connections, "
                + s.phase().toSeconds() + "s");
        LoadResult r = keyed.closed("ingest-keyed-64", 64, s.phase());
        show(r);
        results.put("ingest.keyed_closed_64", r.toJson());
        double bytesPerKey = idempotencyKeyBytesPerRow();
        results.put("ingest.keyed_bytes_per_binding", bytesPerKey);
        results.row(new Row("ingest with Idempotency-Key, 64 conns", r.rps(), r.p50Ms(), r.p99Ms(), r.p999Ms(),
                r.failed(), String.format(Locale.ROOT, "%.2f of unkeyed 64 (same run); %.0f B per binding in PostgreSQL",
                        r.rps() / unkeyed64.rps(), bytesPerKey)));
    }

    /**
     * The cost of {@code ip} and {@code user_agent} (issue 14: target within 10 % of ingest without them). After a
     * short warm-up with them (the new paths — literal parsing, prefix, HMAC — compiled too), the plain
     * 64-connection load runs again and then the same load with both fields in every body (the same pool
     * otherwise), back to back on the same warm API: the ratio and the extra CPU compare those two, not the first
     * 64-connection row, which ran on a less warm JVM. No MaxMind database is configured, as by default; with
     * one, each address also costs up to three in-memory tree lookups.
     */
    private void ingestWithVisitorOrigin(ServiceProcess api) throws Exception {
        ClickBodies withOrigin = ClickBodies.withVisitorOrigin(BODY_POOL, BenchSettings.LINKS, 42);
        RunContext.ClosedModel plainLoad = ctx.closedModel(api.port(), ctx.seed().apiKeys());
        RunContext.ClosedModel originLoad = ctx.closedModel(api.port(), ctx.seed().apiKeys(), withOrigin);
        // wrk counts whole seconds: a quarter of --quick's warm-up would be 0 s, which it refuses
        Duration warmup = Collections.max(List.of(s.warmup().dividedBy(4), Duration.ofSeconds(2)));
        say("ingest with ip + user_agent: warm-up " + warmup.toSeconds() + "s, then plain and with both, closed "
                + "model, 64 connections, " + s.phase().toSeconds() + "s each");
        originLoad.run("ingest-origin-warmup", 64, warmup);

        ProcessCpu.Window plainCpu = ctx.cpuWindow(api.pid(), "api", ctx.wrk().isPresent());
        LoadResult plain = plainLoad.run("ingest-plain-again-64", 64, s.phase());
        Map<String, Double> plainMs = plainCpu.msPerClick(plain.ok());
        show(plain);
        results.put("ingest.plain_again_closed_64", plain.toJson());
        results.row(new Row("ingest, 64 conns, again (reference of the next row)", plain.rps(), plain.p50Ms(),
                plain.p99Ms(), plain.p999Ms(), plain.failed(), String.format(Locale.ROOT, "API CPU %.4f ms/click",
                        plainMs.get("api"))));

        ProcessCpu.Window cpu = ctx.cpuWindow(api.pid(), "api", ctx.wrk().isPresent());
        LoadResult r = originLoad.run("ingest-origin-64", 64, s.phase());
        Map<String, Double> cpuMs = cpu.msPerClick(r.ok());
        show(r);
        results.put("ingest.origin_closed_64", r.toJson());
        double ratio = r.rps() / plain.rps();
        double extraUs = (cpuMs.get("api") - plainMs.get("api")) * 1000;
        results.put("ingest.origin_to_plain", ratio);
        results.put("ingest.origin_extra_api_cpu_us_per_click", extraUs);
        results.row(new Row("ingest with ip + user_agent, 64 conns", r.rps(), r.p50Ms(), r.p99Ms(), r.p999Ms(),
                r.failed(), String.format(Locale.ROOT, "%.2f of the row above (target >= 0.90); API CPU %+.1f us/click",
                        ratio, extraUs)));
        CpuPerClick.report(results, "ingest_origin", "ingest with ip + user_agent, 64 conns", cpuMs, r.ok(),
                r.seconds(), "");
    }

    /** Table and index bytes of {@code idempotency_keys} per row: what each keyed click costs at rest for 24 h. */
    private double idempotencyKeyBytesPerRow() throws SQLException {
        try (Connection c = ctx.pg().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "select pg_total_relation_size('idempotency_keys')::float8 / greatest(count(*), 1)"
                             + " from idempotency_keys")) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
