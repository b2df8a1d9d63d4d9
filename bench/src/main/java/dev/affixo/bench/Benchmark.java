package dev.affixo.bench;

import dev.affixo.bench.load.BatchBodies;
import dev.affixo.bench.load.ClickBodies;
import dev.affixo.bench.load.LoadGenerator;
import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.load.WrkLoad;
import dev.affixo.bench.processing.ClickEvents;
import dev.affixo.bench.processing.CountPollCost;
import dev.affixo.bench.processing.Footprint;
import dev.affixo.bench.processing.InsertBaseline;
import dev.affixo.bench.processing.KafkaLoad;
import dev.affixo.bench.processing.LogRecords;
import dev.affixo.bench.processing.RowWatcher;
import dev.affixo.bench.report.CpuPerClick;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.state.StateGrowth;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.report.Results.Target;
import dev.affixo.bench.stack.JvmMemory;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import dev.affixo.bench.stack.BrokerProcess;
import dev.affixo.bench.stack.Cleanup;
import dev.affixo.bench.stack.ProcessCpu;
import dev.affixo.infra.EmbeddedPostgres;
import dev.affixo.infra.FreePorts;
import dev.affixo.infra.seed.TestData;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * The whole run, phase by phase, in the order it happens. A phase that fails is reported and its figures
 * are N/A; the run carries on with the next one and always cleans up.
 */
final class Benchmark {

    private static final String PATH = "/v1/track/click";
    private static final String BATCH_PATH = "/v1/track/clicks";
    private static final String BATCH_TOPIC = "bench.batch.accepted";
    private static final int[] BATCH_SIZES = {1, 10, 100, 500};
    /**
     * Fewer connections than the single endpoint's 64: 16 batches of 500 are already 8 000 clicks in flight, and
     * a merchant catching up sends from a handful of workers, not from 64.
     */
    private static final int BATCH_CONNECTIONS = 16;
    private static final String INGEST_TOPIC = "bench.clicks.accepted";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** Bodies cycle through this pool; each has its own random visitor id. */
    private static final int BODY_POOL = 65_536;

    private final BenchSettings s;
    private final Results results = new Results();
    private final Cleanup cleanup = new Cleanup();
    private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Set by the watchdog when the run reaches {@link BenchSettings#runLimit()}. */
    private volatile boolean overTime;

    private EmbeddedPostgres pg;
    private BrokerProcess kafka;
    private Path brokerDir;
    /** The closed-model generator, when installed; otherwise the built-in one (the header says which). */
    private final Optional<Path> wrk = WrkLoad.find();
    private KafkaLoad kafkaLoad;
    private Seed seed;
    private final ClickBodies bodies = new ClickBodies(BODY_POOL, BenchSettings.LINKS, 42);

    /** What was seeded: the workspace, the API's keys and a key id that marks backlog events. */
    private record Seed(long workspaceId, List<String> apiKeys, long backlogKeyId, List<ClickEvents.LinkRow> links) {
    }

    Benchmark(BenchSettings settings) {
        this.s = settings;
    }

    int run() {
        long t0 = System.nanoTime();
        List<String> header = header();
        header.forEach(Benchmark::say);
        Thread watchdog = startWatchdog(Thread.currentThread());
        try {
            Path tmp = Files.createTempDirectory("affixo-bench-");
            cleanup.register(() -> deleteRecursively(tmp));
            say("starting PostgreSQL and Kafka under " + tmp);
            pg = cleanup.register(EmbeddedPostgres.start(tmp.resolve("pg"), 0));
            int brokerPort = FreePorts.pick();
            brokerDir = tmp.resolve("kafka");
            kafka = cleanup.register(BrokerProcess.start(
                    selfLaunch("kafka-broker", brokerDir.toString(), Integer.toString(brokerPort)),
                    brokerPort, s.logDir(), READY_TIMEOUT));
            kafkaLoad = new KafkaLoad(kafka.bootstrapServers());
            migrate();
            seed = seed();

            phase("ingest", this::ingestAndEndToEnd);
            phase("batch", this::batch);
            phase("baseline_http", this::baselineHttp);
            phase("baseline_kafka", this::baselineKafka);
            phase("processing", this::processing);
            phase("baseline_insert", this::baselineInsert);
            phase("state", this::state);
        } catch (Exception e) {
            failures.add("setup: " + e);
            e.printStackTrace();
        } finally {
            watchdog.interrupt();
            Thread.interrupted(); // whatever the watchdog interrupted is over: cleanup must not be cut short
            say("stopping children, Kafka and PostgreSQL");
            cleanup.closeAll();
        }
        results.put("run.seconds", (System.nanoTime() - t0) / 1e9);
        results.put("run.failures", failures);
        report(header);
        return failures.isEmpty() ? 0 : 1;
    }

    // ---------------------------------------------------------------- phases

    /** Ingest at 16 and 64 connections and at a fixed rate, then end-to-end latency at half the max. */
    private void ingestAndEndToEnd() throws Exception {
        requireJar(s.ingestJar());
        Map<String, String> env = serviceEnv(INGEST_TOPIC, "bench.ingest.dead-letter", "bench-e2e");
        // The API never creates its topic (affixo-admin topics create does): 12 partitions, as production's compose.
        kafkaLoad.createTopic(INGEST_TOPIC, 12);
        ServiceProcess api = cleanup.register(ServiceProcess.start("ingest-api", s.serviceJvmFlags(),
                List.of("-jar", s.ingestJar().toString()), Ports.free(), env, s.logDir()));
        say("ingest-api pid " + api.pid() + ": waiting for readiness");
        api.awaitReady(READY_TIMEOUT);
        List<LoadResult> measured = measureHttp("ingest", api, seed.apiKeys());
        LoadResult c64 = measured.get(measured.size() - 1);
        LoadResult c16 = measured.get(0);
        phase("ingest_keyed", () -> ingestWithIdempotencyKeys(api, c64));
        phase("ingest_origin", () -> ingestWithVisitorOrigin(api));
        try (LoadGenerator gen = new LoadGenerator(api.port(), PATH, 64, seed.apiKeys())) {
            // The open model and end-to-end run on the built-in generator, which costs far more CPU per request
            // than wrk: their rates are shares of what it reaches itself here, not of wrk's figure.
            LoadResult builtIn = gen.closed("ingest-builtin-64", s.phase().dividedBy(2), bodies::get);
            show(builtIn);
            results.put("ingest.builtin_closed_64", builtIn.toJson());
            results.row(new Row("ingest, 64 conns, built-in generator", builtIn.rps(), builtIn.p50Ms(),
                    builtIn.p99Ms(), builtIn.p999Ms(), builtIn.failed(), "sets the open model's rate"));
            double max = builtIn.rps();
            double rate = Math.max(1, s.openModelShareOfMax() * max);
            say(String.format(Locale.ROOT, "ingest open model at %.0f/s (%.0f %% of the built-in generator's "
                    + "closed-model %.0f/s) for %ds", rate, s.openModelShareOfMax() * 100, max, s.phase().toSeconds()));
            LoadResult open = gen.open("ingest-open", rate, s.phase(), bodies::get, null);
            show(open);
            results.put("ingest.open", open.toJson());
            results.row(new Row(String.format(Locale.ROOT, "ingest open model %.0f/s (CO-corrected)", rate),
                    open.rps(), open.p50Ms(), open.p99Ms(), open.p999Ms(), open.failed(), "64 conns"));
        }
        results.put("ingest.rps", c64.rps());
        results.put("ingest.p50_ms", c64.p50Ms());
        results.put("ingest.p99_ms", c64.p99Ms());
        results.put("ingest.p999_ms", c64.p999Ms());
        results.put("ingest.max_rps", Math.max(c16.rps(), c64.rps()));
        memory("ingest_api", api);

        phase("end_to_end", () -> endToEnd(api, results.number("ingest.builtin_closed_64.rps")));
        cleanup.close(api);
        // What the API's own producer (linger 0: small batches) puts on disk per click, unlike the backlog's.
        LogRecords.Stats apiTopic = LogRecords.of(brokerDir, Footprint.partitionsOf(INGEST_TOPIC));
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
        if (wrk.isEmpty()) {
            say("ingest with Idempotency-Key: skipped, needs wrk (apt-get install wrk)");
            return;
        }
        WrkLoad keyed = WrkLoad.prepare(wrk.get(), s.out().toAbsolutePath().getParent().resolve("wrk"), api.port(),
                PATH, seed.apiKeys(), bodies, BODY_POOL).withFreshIdempotencyKeys("bench-" + System.nanoTime());
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
        ClosedModel plainLoad = closedModel(api.port(), seed.apiKeys());
        ClosedModel originLoad = closedModel(api.port(), seed.apiKeys(), withOrigin);
        // wrk counts whole seconds: a quarter of --quick's warm-up would be 0 s, which it refuses
        Duration warmup = Collections.max(List.of(s.warmup().dividedBy(4), Duration.ofSeconds(2)));
        say("ingest with ip + user_agent: warm-up " + warmup.toSeconds() + "s, then plain and with both, closed "
                + "model, 64 connections, " + s.phase().toSeconds() + "s each");
        originLoad.run("ingest-origin-warmup", 64, warmup);

        ProcessCpu.Window plainCpu = cpuWindow(api.pid(), "api", wrk.isPresent());
        LoadResult plain = plainLoad.run("ingest-plain-again-64", 64, s.phase());
        Map<String, Double> plainMs = plainCpu.msPerClick(plain.ok());
        show(plain);
        results.put("ingest.plain_again_closed_64", plain.toJson());
        results.row(new Row("ingest, 64 conns, again (reference of the next row)", plain.rps(), plain.p50Ms(),
                plain.p99Ms(), plain.p999Ms(), plain.failed(), String.format(Locale.ROOT, "API CPU %.4f ms/click",
                        plainMs.get("api"))));

        ProcessCpu.Window cpu = cpuWindow(api.pid(), "api", wrk.isPresent());
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
        try (Connection c = pg.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "select pg_total_relation_size('idempotency_keys')::float8 / greatest(count(*), 1)"
                             + " from idempotency_keys")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private void endToEnd(ServiceProcess api, double maxIngest) throws Exception {
        requireJar(s.processorJar());
        kafkaLoad.createTopic("bench.ingest.dead-letter", 1);
        ServiceProcess processor = cleanup.register(ServiceProcess.start("click-processor-e2e", s.serviceJvmFlags(),
                List.of("-jar", s.processorJar().toString(),
                        // Only the clicks sent from now on: the ingest phases' clicks are not this phase's business.
                        "--spring.kafka.streams.properties.auto.offset.reset=latest"),
                Ports.freeManagementOnly(), serviceEnv(INGEST_TOPIC, "bench.ingest.dead-letter", "bench-e2e"), s.logDir()));
        try {
            say("click-processor (end-to-end) pid " + processor.pid() + ": waiting for readiness");
            processor.awaitReady(READY_TIMEOUT);
            awaitFirstRow(api);
            awaitRowCountSettles(Duration.ofSeconds(60));
            // Light load first, where the latency is the pipeline's own; then half the maximum, where the API,
            // the processor, the broker, PostgreSQL and the generator share the two cores.
            measureEndToEnd(api, "e2e_light", Math.max(1, s.endToEndLightShareOfMax() * maxIngest));
            measureEndToEnd(api, "e2e", Math.max(1, s.endToEndShareOfMax() * maxIngest));
        } finally {
            cleanup.close(processor);
        }
    }

    /** 200 -> row visible at {@code rate} for one phase, 1 request in {@code endToEndSampleEvery} watched. */
    private void measureEndToEnd(ServiceProcess api, String key, double rate) throws Exception {
        int every = s.endToEndSampleEvery();
        SplittableRandom random = new SplittableRandom(7);
        String prefix = key + "-";
        LongFunction<byte[]> body = i -> i % every == 0
                ? ClickBodies.body(ClickBodies.ref(random.nextInt(BenchSettings.LINKS)), prefix + i, null, 1)
                        .getBytes(StandardCharsets.UTF_8)
                : bodies.get(i);
        Instant from = Instant.now();
        say(String.format(Locale.ROOT, "end-to-end: open model at %.0f/s with the processor running, "
                + "1 request in %d sampled, for %ds", rate, every, s.phase().toSeconds()));
        LoadResult load;
        RowWatcher.Result e2e;
        try (RowWatcher watcher = new RowWatcher(pg.dataSource(), seed.workspaceId());
             LoadGenerator gen = new LoadGenerator(api.port(), PATH, 64, seed.apiKeys())) {
            load = gen.open(key + "-load", rate, s.phase(), body, (i, intended, answered) -> {
                if (i % every == 0) {
                    watcher.answered(prefix + i, answered);
                }
            });
            watcher.awaitAll(30_000);
            e2e = watcher.result();
        }
        show(load);
        double[] server = serverSideLatency(from);
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
        results.row(new Row(String.format(Locale.ROOT, "end-to-end 200 -> row, at %.0f/s", rate),
                Double.NaN, e2e.p50Ms(), e2e.p99Ms(), Double.NaN, load.failed(),
                String.format(Locale.ROOT, "%d samples, %d missing; requests' own p50 %s ms; "
                        + "processed_at-received_at p50 %s p99 %s ms", e2e.samples(), e2e.missing(),
                        fmt(load.p50Ms()), fmt(server[0]), fmt(server[1]))));
        say(String.format(Locale.ROOT, "  e2e 200 -> row visible: p50 %.1f ms, p99 %.1f ms (%d samples, %d missing)",
                e2e.p50Ms(), e2e.p99Ms(), e2e.samples(), e2e.missing()));
    }

    /**
     * Clicks/s through {@code POST /v1/track/clicks} in batches of {@link #BATCH_SIZES} beside the single endpoint:
     * one API of its own (its own topic), the same run, the same built-in generator for every row (wrk, when
     * installed, adds the single endpoint's row as the ingest phase measures it; the ratio is then taken against
     * the higher of the two). p50/p99 are per request, i.e. per batch.
     */
    private void batch() throws Exception {
        requireJar(s.ingestJar());
        kafkaLoad.createTopic(BATCH_TOPIC, 12);
        ServiceProcess api = cleanup.register(ServiceProcess.start("ingest-api-batch", s.serviceJvmFlags(),
                List.of("-jar", s.ingestJar().toString()), Ports.free(),
                serviceEnv(BATCH_TOPIC, "bench.batch.dead-letter", "bench-batch"), s.logDir()));
        say("ingest-api (batch) pid " + api.pid() + ": waiting for readiness");
        api.awaitReady(READY_TIMEOUT);
        try (LoadGenerator single = new LoadGenerator(api.port(), PATH, 64, seed.apiKeys());
             LoadGenerator batches = new LoadGenerator(api.port(), BATCH_PATH, BATCH_CONNECTIONS, seed.apiKeys())) {
            say("batch: warm-up " + s.warmup().toSeconds() + "s, both endpoints");
            single.closed("batch-warmup-single", s.warmup().dividedBy(2), bodies::get);
            batches.closed("batch-warmup-100", s.warmup().dividedBy(2), new BatchBodies(bodies, 100, 64)::get);

            say("batch: single endpoint, closed model, 64 connections, " + s.phase().toSeconds() + "s");
            LoadResult one = single.closed("single-64", s.phase(), bodies::get);
            show(one);
            results.put("batch.single_64", one.toJson());
            results.row(new Row("single click, 64 conns (batch phase)", one.rps(), one.p50Ms(), one.p99Ms(),
                    one.p999Ms(), one.failed(), "clicks/s = requests/s; built-in generator"));
            double reference = one.rps();
            if (wrk.isPresent()) {
                LoadResult w = WrkLoad.prepare(wrk.get(), s.out().toAbsolutePath().getParent().resolve("wrk"),
                        api.port(), PATH, seed.apiKeys(), bodies, BODY_POOL).closed("single-wrk-64", 64, s.phase());
                show(w);
                results.put("batch.single_wrk_64", w.toJson());
                results.row(new Row("single click, 64 conns, wrk (batch phase)", w.rps(), w.p50Ms(), w.p99Ms(),
                        w.p999Ms(), w.failed(), "clicks/s = requests/s"));
                reference = Math.max(reference, w.rps());
            }
            results.put("batch.single_reference_rps", reference);
            for (int size : BATCH_SIZES) {
                BatchBodies batchBodies = new BatchBodies(bodies, size, Math.max(16, 8192 / size));
                LongAdder okItems = new LongAdder();
                say("batch: batches of " + size + ", closed model, " + BATCH_CONNECTIONS + " connections, "
                        + s.phase().toSeconds() + "s");
                ProcessCpu.Window cpu = cpuWindow(api.pid(), "api", false);
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
        memory("ingest_api_batch", api);
        cleanup.close(api);
    }

    /** Baseline (a): the bare WebFlux endpoint, same JVM flags, same generator. */
    private void baselineHttp() throws Exception {
        ServiceProcess server = cleanup.register(ServiceProcess.start("baseline-server", s.serviceJvmFlags(),
                selfLaunch("baseline-server"), Ports.freeShared(), Map.of(), s.logDir()));
        say("baseline-server pid " + server.pid() + ": waiting for readiness");
        server.awaitReady(READY_TIMEOUT);
        List<LoadResult> measured = measureHttp("baseline_http", server, List.of());
        LoadResult c64 = measured.get(measured.size() - 1);
        results.put("baseline_http.rps", c64.rps());
        results.put("baseline_http.p50_ms", c64.p50Ms());
        results.put("baseline_http.p99_ms", c64.p99Ms());
        results.put("baseline_http.p999_ms", c64.p999Ms());
        memory("baseline_http", server);
        cleanup.close(server);
    }

    /** Baseline (b): the API's producer settings, as fast as the producer takes records, acks awaited. */
    private void baselineKafka() throws Exception {
        kafkaLoad.createTopic("bench.ceiling", 12);
        say("baseline kafka: producer ceiling for " + s.kafkaCeiling().toSeconds() + "s");
        KafkaLoad.CeilingResult r = kafkaLoad.producerCeiling("bench.ceiling", s.kafkaCeiling(), events(3));
        say(String.format(Locale.ROOT, "  %.0f records/s (%d acked, %d failed, %.1f s, %.0f-byte values)",
                r.rps(), r.acked(), r.failed(), r.seconds(), r.avgValueBytes()));
        results.put("baseline_kafka.rps", r.rps());
        results.put("baseline_kafka.records", r.acked());
        results.put("baseline_kafka.failed", r.failed());
        results.put("baseline_kafka.seconds", r.seconds());
        results.put("baseline_kafka.avg_value_bytes", r.avgValueBytes());
        results.row(new Row("baseline (b) Kafka producer, acks=all", r.rps(), Double.NaN, Double.NaN, Double.NaN,
                r.failed(), String.format(Locale.ROOT, "%.0f-byte values", r.avgValueBytes())));
    }

    /**
     * Processing, as a running processor meets a burst: a first backlog is written to a fresh topic and a
     * processor JVM started on it (timed from its start: the cold figure), then, once those rows are in, the
     * measured backlog is written as fast as the producer can while the warm processor drains it, timed from
     * the first record of the burst to its last row in PostgreSQL.
     */
    private void processing() throws Exception {
        for (BenchSettings.ProcessorJar jar : s.processorJars()) {
            processing(jar);
        }
    }

    private void processing(BenchSettings.ProcessorJar jar) throws Exception {
        requireJar(jar.jar());
        String key = jar.key("processing");
        String topic = jar.label().isEmpty() ? "bench.backlog" : "bench.backlog." + jar.label();
        kafkaLoad.createTopic(topic, 12);
        kafkaLoad.createTopic(topic + ".dead-letter", 1);
        ClickEvents events = events(11);
        say("processing: writing a warm-up backlog of " + s.processingWarmup() + " clicks");
        kafkaLoad.produceBacklog(topic, s.processingWarmup(), events);
        long before = countClicks();
        long start = System.nanoTime();
        ServiceProcess processor = cleanup.register(ServiceProcess.start("click-processor", s.serviceJvmFlags(),
                List.of("-jar", jar.jar().toString()), Ports.freeManagementOnly(),
                serviceEnv(topic, topic + ".dead-letter", "bench-" + key), s.logDir()));
        say("click-processor pid " + processor.pid() + ": cold start until " + s.processingWarmup() + " rows are in clicks");
        Drain cold = awaitRows(processor, before + s.processingWarmup(), start);
        results.put(key + ".cold_rows", cold.rows(before));
        results.put(key + ".cold_seconds", cold.seconds());
        results.put(key + ".cold_rps", cold.complete() ? cold.rows(before) / cold.seconds() : Double.NaN);
        say(String.format(Locale.ROOT, "  cold: %d rows in %.1f s incl. JVM start", cold.rows(before), cold.seconds()));
        Drain burst = null;
        if (cold.complete()) {
            long burstBefore = cold.count();
            Instant burstFrom = Instant.now();
            long burstStart = System.nanoTime();
            ProcessCpu.Window cpu = cpuWindow(processor.pid(), "processor", false);
            String walFrom = walLsn();
            say("processing: burst of " + s.backlog() + " clicks into the running processor");
            double produceSeconds = kafkaLoad.produceBacklog(topic, s.backlog(), events);
            say(String.format(Locale.ROOT, "  burst written in %.1f s", produceSeconds));
            burst = awaitRows(processor, burstBefore + s.backlog(), burstStart);
            Map<String, Double> cpuMs = cpu.msPerClick(burst.rows(burstBefore));
            results.put("storage.postgres_wal_bytes_per_row", walBytes(walFrom) / Math.max(1, burst.rows(burstBefore)));
            double serverSpan = processedAtSpanSeconds(burstFrom);
            long rows = burst.rows(burstBefore);
            double rps = burst.complete() ? rows / burst.seconds() : Double.NaN;
            say(String.format(Locale.ROOT, "  %d / %d rows in %.1f s%s", rows, s.backlog(), burst.seconds(),
                    burst.complete() ? "" : " — INCOMPLETE (timeout or processor exited)"));
            results.put(key + ".backlog", s.backlog());
            results.put(key + ".rows", rows);
            results.put(key + ".complete", burst.complete());
            results.put(key + ".produce_seconds", produceSeconds);
            results.put(key + ".seconds", burst.seconds());
            results.put(key + ".rps", rps);
            results.put(key + ".rps_by_processed_at", burst.complete() && serverSpan > 0 ? rows / serverSpan : Double.NaN);
            results.row(new Row("processing: topic -> clicks rows" + (jar.label().isEmpty() ? "" : " (" + jar.label() + ": " + jar.jar().getFileName() + ")"), rps, Double.NaN, Double.NaN, Double.NaN, -1,
                    String.format(Locale.ROOT, "burst of %d into a warm processor; cold start %s/s (%d rows incl. JVM start)",
                            rows, fmt(results.number(key + ".cold_rps")), cold.rows(before))));
            // The drain's count(*) polls are PostgreSQL work of the bench, not of the sink: taken out, and shown.
            double pollMs = CountPollCost.cpuMs(pg.dataSource(), pg.dataDir().toAbsolutePath(), burst.polls(),
                    (burstBefore + burst.count()) / 2.0) / Math.max(1, rows);
            results.put("cpu." + key + ".postgres_incl_row_polls_ms_per_click", cpuMs.get("postgres"));
            results.put("cpu." + key + ".postgres_row_polls_ms_per_click", pollMs);
            cpuMs.put("postgres", cpuMs.get("postgres") - pollMs);
            CpuPerClick.report(results, key, "processing burst" + (jar.label().isEmpty() ? "" : " (" + jar.label() + ")"),
                    cpuMs, rows, burst.seconds(), String.format(Locale.ROOT,
                            "postgres without the bench's %d count(*) polls (%.4f ms/click, calibrated after the drain)",
                            burst.polls(), pollMs));
        }
        results.put(key + ".poll_interval_ms", pollMillis());
        if (jar.label().isEmpty() && burst != null && burst.complete()) {
            footprint(topic, s.processingWarmup() + s.backlog(), "bench-" + key);
        }
        if (processor.isAlive()) {
            memory(jar.label().isEmpty() ? "click_processor" : "click_processor_" + jar.label(), processor);
        } else {
            failures.add(key + ": click-processor exited:\n" + processor.tail(40));
        }
        cleanup.close(processor);
        if (burst == null || !burst.complete()) {
            failures.add(key + ": not every row arrived within " + s.processingTimeout());
        }
    }

    /** Issue 12: state on disk, longest poll gap and rows/s while 5 M clicks of new visitors pass through. */
    private void state() throws Exception {
        StateGrowth growth = new StateGrowth(pg.dataSource(), kafkaLoad, seed.workspaceId(), seed.backlogKeyId(),
                seed.links());
        for (BenchSettings.ProcessorJar jar : s.processorJars()) {
            requireJar(jar.jar());
            String key = jar.key("state");
            Path stateDir = Files.createTempDirectory("affixo-bench-state-");
            cleanup.register(() -> deleteRecursively(stateDir));
            say("state" + (jar.label().isEmpty() ? "" : " (" + jar.label() + ")") + ": " + s.stateClicks()
                    + " clicks of new visitors through " + jar.jar());
            StateGrowth.Result r = growth.run("bench.state" + (jar.label().isEmpty() ? "" : "." + jar.label()),
                    s.stateClicks(), stateDir, topic -> {
                        Map<String, String> env = serviceEnv(topic, topic + ".dead-letter", "bench-" + key);
                        env.put("SPRING_KAFKA_STREAMS_PROPERTIES_STATE_DIR", stateDir.toString());
                        return cleanup.register(ServiceProcess.start("click-processor-" + key, s.serviceJvmFlags(),
                                List.of("-jar", jar.jar().toString()), Ports.freeManagementOnly(), env, s.logDir()));
                    }, s.stateTimeout(), Benchmark::say);
            results.put(key + ".clicks", r.clicks());
            results.put(key + ".rows", r.rows());
            results.put(key + ".complete", r.complete());
            results.put(key + ".seconds", r.seconds());
            results.put(key + ".rps", r.rps());
            results.put(key + ".max_poll_gap_ms", r.maxPollGapMs());
            results.put(key + ".start_poll_gap_ms", r.startPollGapMs());
            results.put(key + ".max_state_mb", r.maxStateBytes() / 1e6);
            results.put(key + ".final_state_mb", r.finalStateBytes() / 1e6);
            results.put(key + ".rss_mb", r.rssMb());
            results.row(new Row("state: " + r.clicks() + " new visitors" + (jar.label().isEmpty() ? "" : " (" + jar.label() + ")"),
                    r.rps(), Double.NaN, Double.NaN, Double.NaN, -1, String.format(Locale.ROOT,
                            "state max %.1f MB, end %.1f MB; longest poll gap %.0f ms (at start %.0f ms); RSS %.0f MB%s",
                            r.maxStateBytes() / 1e6, r.finalStateBytes() / 1e6, r.maxPollGapMs(), r.startPollGapMs(),
                            r.rssMb(),
                            r.complete() ? "" : "; INCOMPLETE: " + r.rows() + " rows")));
            if (!r.complete()) {
                failures.add(key + ": " + r.rows() + " of " + r.clicks() + " rows within " + s.stateTimeout());
            }
        }
    }

    /** Bytes per click in Kafka (the topic, the processor's internal topics) and in PostgreSQL (clicks). */
    private void footprint(String topic, long clicks, String applicationId) throws Exception {
        long accepted = Footprint.kafkaLogBytes(brokerDir, Footprint.partitionsOf(topic));
        long internal = Footprint.kafkaLogBytes(brokerDir, dir -> dir.startsWith(applicationId + "-"));
        Footprint.Table table = Footprint.table(pg.dataSource(), "clicks");
        results.put("storage.kafka_accepted_bytes_per_click", (double) accepted / clicks);
        results.put("storage.kafka_internal_bytes_per_click", (double) internal / clicks);
        results.put("storage.clicks_heap_bytes_per_row", table.heapBytesPerRow());
        results.put("storage.clicks_total_bytes_per_row", table.totalBytesPerRow());
        results.put("storage.clicks_rows", table.rows());
        String note = String.format(Locale.ROOT, "Kafka: %.0f B/click in the topic, %.0f B/click in the processor's"
                        + " internal topics (before compaction); PostgreSQL clicks: %.0f B/row, %.0f B/row with indexes",
                (double) accepted / clicks, (double) internal / clicks, table.heapBytesPerRow(), table.totalBytesPerRow());
        say("  footprint: " + note);
        results.row(new Row("storage per click", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, note));
    }

    /** The current WAL position, or null: a figure of the capacity model never fails the phase. */
    private String walLsn() {
        try (Connection c = pg.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("select pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return null;
        }
    }

    /** WAL written since {@code from} (every table the sink writes, and autovacuum): an input of the disk model. */
    private double walBytes(String from) {
        if (from == null) {
            return Double.NaN;
        }
        try (Connection c = pg.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("select pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)")) {
            ps.setString(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        } catch (SQLException e) {
            return Double.NaN;
        }
    }

    /** Where a wait for rows ended: the last count seen and how long it took. */
    private record Drain(long count, double seconds, boolean complete, long polls) {
        long rows(long before) {
            return count - before;
        }
    }

    /** Polls {@code count(*)} until it reaches {@code target}, the timeout passes or the processor dies. */
    private Drain awaitRows(ServiceProcess processor, long target, long startNanos) throws Exception {
        long deadline = System.nanoTime() + s.processingTimeout().toNanos();
        long count = countClicks();
        long polls = 1;
        while (count < target && System.nanoTime() < deadline && processor.isAlive()) {
            Thread.sleep(pollMillis());
            count = countClicks();
            polls++;
        }
        return new Drain(count, (System.nanoTime() - startNanos) / 1e9, count >= target, polls);
    }

    private long pollMillis() {
        return s.quick() ? 100 : 250;
    }

    /**
     * Baseline (c): the same number of equivalent rows by plain JDBC batches into a copy of the table; then
     * (c') the same rows with the processor's statement shape (one unnest insert per batch), for reference.
     */
    private void baselineInsert() throws Exception {
        say("baseline insert: " + s.backlog() + " rows, batches of 1000, into clicks_baseline");
        InsertBaseline.Result r = InsertBaseline.run(pg.dataSource(), s.backlog(), events(11));
        say(String.format(Locale.ROOT, "  %.0f rows/s (%d rows in %.1f s)", r.rps(), r.rows(), r.seconds()));
        results.put("baseline_insert.rps", r.rps());
        results.put("baseline_insert.rows", r.rows());
        results.put("baseline_insert.seconds", r.seconds());
        results.row(new Row("baseline (c) JDBC batch insert", r.rps(), Double.NaN, Double.NaN, Double.NaN, -1,
                "batch 1000, same indexes"));
        say("baseline insert (c'): the same rows, one unnest insert per batch of 1000");
        InsertBaseline.Result u = InsertBaseline.runUnnest(pg.dataSource(), s.backlog(), events(11));
        say(String.format(Locale.ROOT, "  %.0f rows/s (%d rows in %.1f s)", u.rps(), u.rows(), u.seconds()));
        results.put("baseline_insert_unnest.rps", u.rps());
        results.put("baseline_insert_unnest.rows", u.rows());
        results.row(new Row("baseline (c') unnest insert", u.rps(), Double.NaN, Double.NaN, Double.NaN, -1,
                "the sink's statement shape, clicks only; reference, no target"));
        say("baseline insert (c''): the same rows, one binary COPY per batch of 1000 straight into the table");
        InsertBaseline.Result copy = InsertBaseline.runCopy(pg.dataSource(), s.backlog(), events(11));
        say(String.format(Locale.ROOT, "  %.0f rows/s (%d rows in %.1f s)", copy.rps(), copy.rows(), copy.seconds()));
        results.put("baseline_copy.rps", copy.rps());
        results.put("baseline_copy.rows", copy.rows());
        results.row(new Row("baseline (c'') binary COPY", copy.rps(), Double.NaN, Double.NaN, Double.NaN, -1,
                "no conflict handling: the database's own ceiling"));
        say("baseline insert: the same rows, binary COPY into a staging table + one insert-select per batch");
        InsertBaseline.Result staged = InsertBaseline.runCopyUpsert(pg.dataSource(), s.backlog(), events(11));
        say(String.format(Locale.ROOT, "  %.0f rows/s (%d rows in %.1f s)", staged.rps(), staged.rows(), staged.seconds()));
        results.put("baseline_copy_staged.rps", staged.rps());
        results.put("baseline_copy_staged.rows", staged.rows());
        results.row(new Row("COPY to staging + insert-select", staged.rps(), Double.NaN, Double.NaN, Double.NaN, -1,
                "the sink's job with COPY; compare with (c')"));
    }

    // ---------------------------------------------------------------- helpers

    /** Warm-up at 64 connections, then the closed model at each connection count; returns 16 then 64. */
    private List<LoadResult> measureHttp(String name, ServiceProcess server, List<String> keys) throws Exception {
        ClosedModel generator = closedModel(server.port(), keys);
        say(name + ": warm-up " + s.warmup().toSeconds() + "s at 64 connections");
        LoadResult w = generator.run(name + "-warmup", 64, s.warmup());
        say(String.format(Locale.ROOT, "  warm-up: %.0f/s, %d non-200 %s", w.rps(), w.failed(), w.failures()));
        List<LoadResult> out = new ArrayList<>();
        for (int connections : BenchSettings.CONNECTIONS) {
            say(name + ": closed model, " + connections + " connections, " + s.phase().toSeconds() + "s");
            ProcessCpu.Window cpu = cpuWindow(server.pid(), "api", wrk.isPresent());
            LoadResult r = generator.run(name + "-" + connections, connections, s.phase());
            Map<String, Double> cpuMs = cpu.msPerClick(r.ok());
            show(r);
            out.add(r);
            results.put(name + ".closed_" + connections, r.toJson());
            String label = name.equals("ingest") ? "ingest" : "baseline (a) bare WebFlux";
            results.row(new Row(label + ", " + connections + " conns", r.rps(), r.p50Ms(), r.p99Ms(),
                    r.p999Ms(), r.failed(), r.failures().isEmpty() ? "" : r.failures().toString()));
            if (name.equals("ingest") && connections == 64) {
                CpuPerClick.report(results, "ingest", "ingest, 64 conns", cpuMs, r.ok(), r.seconds(), "");
            }
        }
        return out;
    }

    /** One closed-model run: {@code connections} keep-alive connections for {@code duration}. */
    private interface ClosedModel {
        LoadResult run(String name, int connections, Duration duration) throws Exception;
    }

    /** wrk when it is installed, else the built-in generator, over the same body pool and keys. */
    private ClosedModel closedModel(int port, List<String> keys) {
        return closedModel(port, keys, bodies);
    }

    private ClosedModel closedModel(int port, List<String> keys, ClickBodies pool) {
        if (wrk.isPresent()) {
            WrkLoad load = WrkLoad.prepare(wrk.get(), s.out().toAbsolutePath().getParent().resolve("wrk"), port, PATH,
                    keys, pool, BODY_POOL);
            return (name, connections, duration) -> load.closed(name, connections, duration);
        }
        return (name, connections, duration) -> {
            try (LoadGenerator gen = new LoadGenerator(port, PATH, connections, keys)) {
                return gen.closed(name, duration, pool::get);
            }
        };
    }

    /**
     * Starts a CPU window over everyone who works for the clicks: the service under test (named {@code role}),
     * the broker, PostgreSQL, the bench JVM (built-in generator, backlog producer, row polling) and, when it
     * generates the load, wrk.
     */
    private ProcessCpu.Window cpuWindow(long servicePid, String role, boolean withWrk) {
        Map<String, ProcessCpu.Meter> meters = new java.util.LinkedHashMap<>();
        meters.put(role, ProcessCpu.process(servicePid));
        meters.put("broker", ProcessCpu.process(kafka.pid()));
        meters.put("postgres", ProcessCpu.postgres(pg.dataDir().toAbsolutePath()));
        meters.put("bench", ProcessCpu.self());
        if (withWrk) {
            meters.put("wrk", ProcessCpu.reapedChildren());
        }
        return ProcessCpu.start(meters);
    }

    private void memory(String name, ServiceProcess jvm) {
        double rss = JvmMemory.rssMb(jvm.pid());
        double heap = JvmMemory.heapAfterFullGcMb(jvm);
        say(String.format(Locale.ROOT, "  %s memory: heap after full GC %.1f MB, RSS %.0f MB", name, heap, rss));
        results.put("memory." + name + "_heap_mb", heap);
        results.put("memory." + name + "_rss_mb", rss);
    }

    /** Applies common's migrations once; the services start with Flyway off (README: a single applier). */
    private void migrate() {
        say("applying the schema (Flyway, classpath:db/migration from common)");
        Flyway.configure().dataSource(pg.dataSource()).locations("classpath:db/migration").load().migrate();
    }

    private Seed seed() throws SQLException {
        say("seeding one workspace, " + BenchSettings.LINKS + " links and keys");
        TestData data = new TestData(pg.dataSource());
        TestData.Workspace ws = data.workspace();
        data.jdbi().useHandle(h -> h.createUpdate("""
                        insert into links (workspace_id, affiliate_id, campaign_id, ref)
                        select :ws, :aff, :camp, 'ref-' || lpad(g::text, 5, '0') from generate_series(0, :last) g""")
                .bind("ws", ws.id).bind("aff", ws.affiliateId).bind("camp", ws.campaignId)
                .bind("last", BenchSettings.LINKS - 1).execute());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            keys.add(ws.key(1_000_000_000, "track"));
        }
        long backlogKey = ws.keyId(ws.key(1_000_000_000, "track"));
        List<ClickEvents.LinkRow> links = data.jdbi().withHandle(h -> h.createQuery(
                        "select id, affiliate_id, campaign_id, ref from links where workspace_id = :ws order by ref")
                .bind("ws", ws.id)
                .map((rs, ctx) -> new ClickEvents.LinkRow(rs.getLong(1), rs.getLong(2),
                        rs.getObject(3) == null ? null : rs.getLong(3), rs.getString(4)))
                .list());
        return new Seed(ws.id, keys, backlogKey, links);
    }

    private ClickEvents events(long randomSeed) {
        return new ClickEvents(seed.workspaceId(), seed.backlogKeyId(), seed.links(), randomSeed);
    }

    private long countClicks() throws SQLException {
        try (Connection c = pg.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from clicks")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Readiness only says the stream is running or rebalancing; with auto.offset.reset=latest a click sent
     * before the partitions are assigned would be skipped. So probe clicks go in until one comes out.
     */
    private void awaitFirstRow(ServiceProcess api) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try (RowWatcher watcher = new RowWatcher(pg.dataSource(), seed.workspaceId());
             LoadGenerator gen = new LoadGenerator(api.port(), PATH, 4, seed.apiKeys())) {
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
        long last = countClicks();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            long now = countClicks();
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    /** p50 and p99 of processed_at - received_at (server clocks, ms) for rows received since {@code from}. */
    private double[] serverSideLatency(Instant from) throws SQLException {
        try (Connection c = pg.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     select percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)),
                            percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at))
                     from clicks where workspace_id = ? and received_at >= ?""")) {
            ps.setLong(1, seed.workspaceId());
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new double[] {rs.getDouble(1) * 1000, rs.getDouble(2) * 1000};
            }
        }
    }

    /** Seconds between the first and the last processed_at of rows written since {@code from} (server-side rate). */
    private double processedAtSpanSeconds(Instant from) throws SQLException {
        try (Connection c = pg.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("select extract(epoch from max(processed_at) - min(processed_at)) "
                     + "from clicks where key_id = ? and processed_at >= ?")) {
            ps.setLong(1, seed.backlogKeyId());
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }

    private Map<String, String> serviceEnv(String topic, String deadLetterTopic, String applicationId) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", pg.jdbcUrl());
        env.put("DATABASE_USER", pg.user());
        env.put("DATABASE_PASSWORD", pg.password());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("AFFIXO_INGEST_ACCEPTED_TOPIC", topic);
        env.put("AFFIXO_PROCESSOR_ACCEPTED_TOPIC", topic);
        env.put("AFFIXO_PROCESSOR_DEAD_LETTER_TOPIC", deadLetterTopic);
        env.put("AFFIXO_PROCESSOR_APPLICATION_ID", applicationId);
        env.put("AFFIXO_INGEST_IP_HASH_SECRET", "bench-ip-hash-secret-0123456789");
        env.put("SPRING_FLYWAY_ENABLED", "false");
        return env;
    }

    /** How to start this same program again as a child: the fat jar, or the class path in an IDE. */
    private static List<String> selfLaunch(String mode, String... args) {
        String cp = System.getProperty("java.class.path");
        List<String> launch = new ArrayList<>(!cp.contains(File.pathSeparator) && cp.endsWith(".jar")
                ? List.of("-jar", cp, mode)
                : List.of("-cp", cp, BenchMain.class.getName(), mode));
        launch.addAll(List.of(args));
        return launch;
    }

    private void phase(String name, ThrowingRunnable body) {
        boolean partOfIngest = name.equals("end_to_end") || name.equals("ingest_keyed") || name.equals("ingest_origin");
        if (!s.phases().contains(name) && !(partOfIngest && s.phases().contains("ingest"))) {
            return;
        }
        if (overTime) {
            failures.add(name + ": not run, the run reached its " + s.runLimit().toMinutes() + "-minute limit");
            return;
        }
        try {
            body.run();
        } catch (Exception e) {
            String message = name + ": " + (overTime ? "stopped at the run's " + s.runLimit().toMinutes()
                    + "-minute limit (" + e + ")" : e);
            failures.add(message);
            say("PHASE FAILED — " + message);
            if (!(e instanceof MissingJarException) && !overTime) {
                e.printStackTrace();
            }
        } finally {
            if (overTime) {
                Thread.interrupted(); // the phase is over; the next ones are skipped, cleanup must still run
            }
        }
    }

    /**
     * Bounds the whole run: every wait has its own limit, but together they could add up past it. At the
     * limit the running phase is interrupted (its figures become N/A), the rest are skipped, and the report
     * and cleanup run as usual.
     */
    private Thread startWatchdog(Thread runner) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(s.runLimit().toMillis());
                overTime = true;
                say("the run reached its " + s.runLimit().toMinutes() + "-minute limit: stopping the current phase");
                runner.interrupt();
            } catch (InterruptedException finishedInTime) {
                // the run ended first
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static final class MissingJarException extends IllegalStateException {
        MissingJarException(Path jar) {
            super(jar + " is missing: build it with mvn -B -ntp -pl ingest-api,click-processor -am package -DskipTests");
        }
    }

    private static void requireJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new MissingJarException(jar);
        }
    }

    private List<String> header() {
        List<String> h = new ArrayList<>();
        h.add("Affixo benchmark" + (s.quick() ? " — QUICK MODE (program check; figures are NOT results)" : "")
                + (s.partial() ? " — PARTIAL RUN, phases " + String.join(",", new TreeSet<>(s.phases())) : ""));
        h.add("date:   " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        h.add("cores:  " + Runtime.getRuntime().availableProcessors() + " (shared by load generator, broker, "
                + "PostgreSQL and the service under test)");
        h.add("JDK:    " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        h.add("service JVM flags (ingest-api, click-processor, baseline-server): " + String.join(" ", s.serviceJvmFlags()));
        h.add("bench JVM flags: " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        h.add("Kafka broker: own JVM, " + String.join(" ", BrokerProcess.JVM_FLAGS) + "; PostgreSQL 17 (embedded binaries)");
        h.add("load generator: " + generatorDescription());
        results.put("machine.date", ZonedDateTime.now().toString());
        results.put("machine.cores", Runtime.getRuntime().availableProcessors());
        results.put("machine.jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.put("machine.service_jvm_flags", String.join(" ", s.serviceJvmFlags()));
        results.put("machine.bench_jvm_flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        results.put("machine.broker_jvm_flags", String.join(" ", BrokerProcess.JVM_FLAGS));
        results.put("machine.load_generator", generatorDescription());
        results.put("machine.quick", s.quick());
        results.put("machine.phases", List.copyOf(new TreeSet<>(s.phases())));
        results.put("machine.phase_seconds", s.phase().toSeconds());
        results.put("machine.warmup_seconds", s.warmup().toSeconds());
        return h;
    }

    private String generatorDescription() {
        return (wrk.isPresent() ? "closed model: wrk (" + wrk.get() + ", 2 threads)"
                : "closed model: built-in Reactor Netty client (wrk not found: apt-get install wrk)")
                + "; open model and end-to-end: built-in Reactor Netty client";
    }

    private void report(List<String> header) {
        addTargets();
        String table = results.table(header);
        System.out.println();
        System.out.print(table);
        if (!failures.isEmpty()) {
            System.out.println("phases that failed (their figures are N/A):");
            failures.forEach(f -> System.out.println("  - " + f.lines().findFirst().orElse(f)));
        }
        try {
            Path out = s.out().toAbsolutePath();
            Files.createDirectories(out.getParent());
            Files.writeString(out, results.toJson());
            Files.writeString(out.resolveSibling("results.txt"), table);
            System.out.println("results: " + out + " (table: " + out.resolveSibling("results.txt")
                    + ", service logs: " + s.logDir() + ")");
        } catch (IOException e) {
            System.err.println("cannot write results: " + e);
        }
    }

    /** The targets, as ratios within this run. */
    private void addTargets() {
        double ingest = results.number("ingest.rps");
        double http = results.number("baseline_http.rps");
        double processing = results.number("processing.rps");
        results.target(new Target("ingest throughput / baseline (a), 64 conns", ingest / http, 0.85, true, ""));
        results.target(new Target("ingest p99 / baseline (a) p99, 64 conns",
                results.number("ingest.p99_ms") / results.number("baseline_http.p99_ms"), 1.5, false, ""));
        results.target(new Target("processing / baseline (c) insert", processing / results.number("baseline_insert.rps"),
                0.60, true, ""));
        results.target(new Target("processing / ingest throughput (64 conns)", processing / ingest, 3.0, true, ""));
        // Issue 13: a burst is absorbed while traffic goes on, and the sink gets close to its statement shape.
        results.target(new Target("processing / ingest throughput, issue 13", processing / ingest, 2.0, true, ""));
        results.target(new Target("processing / baseline (c') unnest insert", processing
                / results.number("baseline_insert_unnest.rps"), 0.5, true, ""));
        results.target(new Target("processing / baseline (c'') COPY (reported)", processing
                / results.number("baseline_copy.rps"), 0.0, true, ""));
        // Issue 14: the visitor's ip and user_agent cost at most 10 % of ingest throughput.
        results.target(new Target("ingest with ip + user_agent / plain, 64 conns", results.number("ingest.origin_to_plain"),
                0.90, true, ""));
        results.target(new Target("batches of 100 / single click, clicks/s (same run)",
                results.number("batch.size_100.clicks_rps") / results.number("batch.single_reference_rps"), 5.0, true, ""));
        results.target(new Target("ingest-api heap after full GC", results.number("memory.ingest_api_heap_mb"), 128,
                false, " MB"));
        results.target(new Target("click-processor heap after full GC",
                results.number("memory.click_processor_heap_mb"), 256, false, " MB"));
        double non200 = results.number("ingest.closed_16.non_200") + results.number("ingest.closed_64.non_200")
                + results.number("ingest.open.non_200") + results.number("ingest.builtin_closed_64.non_200");
        results.target(new Target("ingest non-200 answers (all ingest phases)", non200, 0, false, ""));
        results.row(new Row("ingest-api memory", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                memoryNote("ingest_api")));
        results.row(new Row("click-processor memory", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                memoryNote("click_processor")));
        results.row(new Row("baseline-server memory", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                memoryNote("baseline_http")));
    }

    private String memoryNote(String name) {
        return "heap after full GC " + fmt(results.number("memory." + name + "_heap_mb")) + " MB, RSS "
                + fmt(results.number("memory." + name + "_rss_mb")) + " MB";
    }

    private static void show(LoadResult r) {
        say(String.format(Locale.ROOT, "  %s: %.0f/s ok, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, non-200 %d %s",
                r.name(), r.rps(), r.p50Ms(), r.p99Ms(), r.p999Ms(), r.failed(), r.failures().isEmpty() ? "" : r.failures()));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void say(String line) {
        System.out.println("[bench] " + line);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
