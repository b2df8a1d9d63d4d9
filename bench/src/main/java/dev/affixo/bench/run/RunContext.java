package dev.affixo.bench.run;

import dev.affixo.bench.BenchMain;
import dev.affixo.bench.load.ClickBodies;
import dev.affixo.bench.load.LoadGenerator;
import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.load.SteadyState;
import dev.affixo.bench.load.WrkLoad;
import dev.affixo.bench.processing.ClickEvents;
import dev.affixo.bench.processing.KafkaLoad;
import dev.affixo.bench.report.CpuPerClick;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.stack.ApiStages;
import dev.affixo.bench.stack.BrokerMetrics;
import dev.affixo.bench.stack.BrokerProcess;
import dev.affixo.bench.stack.Cleanup;
import dev.affixo.bench.stack.JvmMemory;
import dev.affixo.bench.stack.ProcessCpu;
import dev.affixo.infra.EmbeddedPostgres;
import dev.affixo.infra.FreePorts;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.seed.TestData;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * What every phase shares: the settings, the results, the failures, the cleanup, the infrastructure the run
 * started (PostgreSQL, the broker), the seed, the body pool, and the small helpers several phases use. A phase
 * is a class of its own that takes this context; {@code Benchmark} only says in which order they run.
 */
public final class RunContext {

    public static final String PATH = "/v1/track/click";
    public static final String INGEST_TOPIC = "bench.clicks.accepted";
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** Bodies cycle through this pool; each has its own random visitor id. */
    public static final int BODY_POOL = 65_536;

    private final BenchSettings settings;
    private final Results results = new Results();
    private final Cleanup cleanup = new Cleanup();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    /** Set by the watchdog when the run reaches {@link BenchSettings#runLimit()}. */
    private volatile boolean overTime;
    /** The closed-model generator, when installed; otherwise the built-in one (the header says which). */
    private final Optional<Path> wrk = WrkLoad.find();
    private final ClickBodies bodies = new ClickBodies(BODY_POOL, BenchSettings.LINKS, 42);

    private EmbeddedPostgres pg;
    private BrokerProcess kafka;
    private Path brokerDir;
    private KafkaLoad kafkaLoad;
    private Seed seed;

    /** What was seeded: the workspace, the API's keys and a key id that marks backlog events. */
    public record Seed(long workspaceId, List<String> apiKeys, long backlogKeyId, List<ClickEvents.LinkRow> links) {
    }

    public RunContext(BenchSettings settings) {
        this.settings = settings;
    }

    public BenchSettings settings() {
        return settings;
    }

    public Results results() {
        return results;
    }

    public Cleanup cleanup() {
        return cleanup;
    }

    public List<String> failures() {
        return failures;
    }

    public Optional<Path> wrk() {
        return wrk;
    }

    public ClickBodies bodies() {
        return bodies;
    }

    public EmbeddedPostgres pg() {
        return pg;
    }

    public BrokerProcess kafka() {
        return kafka;
    }

    public Path brokerDir() {
        return brokerDir;
    }

    public KafkaLoad kafkaLoad() {
        return kafkaLoad;
    }

    public Seed seed() {
        return seed;
    }

    /**
     * Runs {@code phases} (infrastructure first) under the watchdog, then cleans up whatever happened and
     * prints and writes the report; 0 when every phase ran, 1 when one failed.
     */
    public int runAll(PhaseBody phases) {
        long t0 = System.nanoTime();
        RunReport report = new RunReport(this);
        List<String> header = report.header();
        header.forEach(RunContext::say);
        Thread watchdog = startWatchdog(Thread.currentThread());
        try {
            phases.run();
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
        report.report(header);
        return failures.isEmpty() ? 0 : 1;
    }

    /** PostgreSQL and the broker under a temporary directory, the schema, and the seed every phase uses. */
    public void startInfrastructure() throws Exception {
        Path tmp = Files.createTempDirectory("affixo-bench-");
        cleanup.register(() -> deleteRecursively(tmp));
        say("starting PostgreSQL and Kafka under " + tmp);
        pg = cleanup.register(EmbeddedPostgres.start(tmp.resolve("pg"), 0));
        int brokerPort = FreePorts.pick();
        int jmxPort = FreePorts.pickOtherThan(brokerPort);
        brokerDir = tmp.resolve("kafka");
        kafka = cleanup.register(BrokerProcess.start(
                selfLaunch("kafka-broker", brokerDir.toString(), Integer.toString(brokerPort)),
                brokerPort, jmxPort, settings.logDir(), READY_TIMEOUT));
        kafkaLoad = new KafkaLoad(kafka.bootstrapServers());
        migrate();
        seed = seedData();
    }

    // ---------------------------------------------------------------- running phases

    /** A phase's body. */
    public interface PhaseBody {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} if {@code name} was chosen (the ingest phase's parts run with it): a failure is recorded
     * and printed, its figures stay N/A, and the run goes on.
     */
    public void phase(String name, PhaseBody body) {
        boolean partOfIngest = name.startsWith("ingest_") || name.equals("end_to_end");
        if (!settings.phases().contains(name) && !(partOfIngest && settings.phases().contains("ingest"))) {
            return;
        }
        if (overTime) {
            failures.add(name + ": not run, the run reached its " + settings.runLimit().toMinutes() + "-minute limit");
            return;
        }
        try {
            body.run();
        } catch (Exception e) {
            String message = name + ": " + (overTime ? "stopped at the run's " + settings.runLimit().toMinutes()
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
    public Thread startWatchdog(Thread runner) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(settings.runLimit().toMillis());
                overTime = true;
                say("the run reached its " + settings.runLimit().toMinutes() + "-minute limit: stopping the current phase");
                runner.interrupt();
            } catch (InterruptedException finishedInTime) {
                // the run ended first
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    private static final class MissingJarException extends IllegalStateException {
        MissingJarException(Path jar) {
            super(jar + " is missing: build it with mvn -B -ntp -pl ingest-api,click-processor -am package -DskipTests");
        }
    }

    public static void requireJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new MissingJarException(jar);
        }
    }

    // ---------------------------------------------------------------- helpers shared by phases

    /** The documented environment of a service JVM, pointed at this run's PostgreSQL, broker and topics. */
    public Map<String, String> serviceEnv(String topic, String deadLetterTopic, String applicationId) {
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
    public static List<String> selfLaunch(String mode, String... args) {
        String cp = System.getProperty("java.class.path");
        List<String> launch = new ArrayList<>(!cp.contains(File.pathSeparator) && cp.endsWith(".jar")
                ? List.of("-jar", cp, mode)
                : List.of("-cp", cp, BenchMain.class.getName(), mode));
        launch.addAll(List.of(args));
        return launch;
    }

    /**
     * Warm-up to steady state at 64 connections, then the closed model at each connection count (with the
     * broker's produce times beside the ingest rows); returns 16 then 64.
     */
    public List<LoadResult> measureHttp(String name, ServiceProcess server, List<String> keys) throws Exception {
        ClosedModel generator = closedModel(server.port(), keys);
        String label = name.equals("ingest") ? "ingest" : "baseline (a) bare WebFlux";
        warmUntilSteady(name, label + " (64 conns)",
                (window, length) -> generator.run(window, 64, length).rps());
        List<LoadResult> out = new ArrayList<>();
        for (int connections : BenchSettings.CONNECTIONS) {
            say(name + ": closed model, " + connections + " connections, " + settings.phase().toSeconds() + "s");
            ProcessCpu.Window cpu = cpuWindow(server.pid(), "api", wrk.isPresent());
            Map<String, BrokerMetrics.Reading> brokerFrom = kafka.metrics().read();
            ApiStages.Scrape stagesFrom = name.equals("ingest") ? ApiStages.scrape(server.managementPort()) : null;
            LoadResult r = generator.run(name + "-" + connections, connections, settings.phase());
            Map<String, Double> cpuMs = cpu.msPerClick(r.ok());
            Map<String, BrokerMetrics.Part> broker = BrokerMetrics.between(brokerFrom, kafka.metrics().read());
            show(r);
            out.add(r);
            results.put(name + ".closed_" + connections, r.toJson());
            results.row(new Row(label + ", " + connections + " conns", r.rps(), r.p50Ms(), r.p99Ms(),
                    r.p999Ms(), r.failed(), r.failures().isEmpty() ? "" : r.failures().toString()));
            if (name.equals("ingest")) {
                brokerProduceRow(name + ".closed_" + connections, label + ", " + connections + " conns", broker,
                        r.seconds());
                stagesRow(name + ".closed_" + connections, label + ", " + connections + " conns",
                        ApiStages.between(stagesFrom, ApiStages.scrape(server.managementPort())));
            }
            if (name.equals("ingest") && connections == 64) {
                CpuPerClick.report(results, "ingest", "ingest, 64 conns", cpuMs, r.ok(), r.seconds(), "");
            }
        }
        return out;
    }

    /**
     * The API's own timing of each stage of an accepted click during the window (issue 17: per-stage timings of
     * one request under load), beside the row: what the API spends between receipt and handing over the 200.
     */
    private void stagesRow(String key, String label, Map<String, ApiStages.Stage> stages) {
        Map<String, Object> json = new LinkedHashMap<>();
        stages.forEach((name, st) -> json.put(name, Map.of("samples", st.samples(), "mean_ms", st.meanMs(),
                "p50_ms", st.p50Ms(), "p99_ms", st.p99Ms())));
        json.put("hop_ms", ApiStages.hopMs(stages));
        results.put(key + ".stages", json);
        double sumOfMeans = stages.values().stream().filter(st -> !st.name().equals("publish"))
                .mapToDouble(ApiStages.Stage::meanMs).sum();
        results.row(new Row("  API stages (" + label + ")", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1,
                ApiStages.describe(stages) + String.format(Locale.ROOT, "; means add up to %.3f ms", sumOfMeans)));
    }

    /**
     * Loads {@code what} in windows until its throughput is steady ({@link BenchSettings.Steady}), and reports
     * how long that took as a row and as {@code <key>.steady_state} in the JSON. Not settling within the bound
     * is a failure of the run (listed under the table, exit status 1; the warm-up row says NOT STEADY), but the
     * rows that follow are still measured: a figure taken on a machine that never settles is still worth
     * reading, with the failure beside it.
     */
    public SteadyState.Result warmUntilSteady(String key, String label, SteadyState.Window what) throws Exception {
        BenchSettings.Steady st = settings.steady();
        SteadyState steady = new SteadyState(st.window(), st.windows(), st.tolerance(), st.bound());
        say(String.format(Locale.ROOT, "%s: warm-up until %d consecutive %d s windows are within %.0f %% "
                + "(at most %d s)", label, st.windows(), st.window().toSeconds(), st.tolerance() * 100,
                st.bound().toSeconds()));
        SteadyState.Result r = steady.await(key + "-warmup", (window, length) -> {
            double rps = what.run(window, length);
            say(String.format(Locale.ROOT, "  %s: %.0f/s", window, rps));
            return rps;
        });
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settled", r.settled());
        json.put("seconds", r.seconds());
        json.put("window_seconds", st.window().toSeconds());
        json.put("tolerance", st.tolerance());
        json.put("bound_seconds", st.bound().toSeconds());
        json.put("window_rps", r.windowRps());
        results.put(key + ".steady_state", json);
        String windows = r.windowRps().stream().map(v -> String.format(Locale.ROOT, "%.0f", v))
                .collect(java.util.stream.Collectors.joining(" "));
        String note = String.format(Locale.ROOT, "%s after %.0f s; %d s windows/s: %s", r.settled() ? "steady"
                : "NOT STEADY (bound " + st.bound().toSeconds() + " s)", r.seconds(), st.window().toSeconds(), windows);
        results.row(new Row("warm-up to steady state: " + label, r.lastRps(), Double.NaN, Double.NaN, Double.NaN, -1,
                note));
        if (!r.settled()) {
            failures.add(key + ": throughput not steady within " + st.bound().toSeconds() + " s (" + st.windows()
                    + " windows within " + Math.round(st.tolerance() * 100) + " %): " + windows
                    + " — the rows measured after it are not at steady state");
            say("NOT STEADY — " + label + ": " + windows);
        }
        return r;
    }

    /**
     * The broker's produce request times during one window (issue 17), beside the row of the window: per s =
     * produce requests per second, p50/p99 the broker's reservoir at the window's end, the note every part's
     * mean (exact over the window) and p99. A reading that fails leaves the row out; it never fails the phase.
     */
    public void brokerProduceRow(String key, String what, Map<String, BrokerMetrics.Part> parts, double seconds) {
        BrokerMetrics.Part total = parts.get("TotalTimeMs");
        if (total == null) {
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        parts.forEach((part, p) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", p.requests());
            m.put("mean_ms", Double.isFinite(p.meanMs()) ? p.meanMs() : null);
            m.put("p50_ms", p.p50Ms());
            m.put("p99_ms", p.p99Ms());
            json.put(part, m);
        });
        results.put(key + ".broker_produce", json);
        String note = BrokerMetrics.describe(parts);
        say("  broker Produce: " + note);
        results.row(new Row("  broker Produce requests (" + what + ")", total.requests() / seconds, total.p50Ms(),
                total.p99Ms(), Double.NaN, -1, note));
    }

    /** One closed-model run: {@code connections} keep-alive connections for {@code duration}. */
    public interface ClosedModel {
        LoadResult run(String name, int connections, Duration duration) throws Exception;
    }

    /** wrk when it is installed, else the built-in generator, over the same body pool and keys. */
    public ClosedModel closedModel(int port, List<String> keys) {
        return closedModel(port, keys, bodies);
    }

    public ClosedModel closedModel(int port, List<String> keys, ClickBodies pool) {
        return closedModel(port, keys, pool, null, null);
    }

    /** As {@link #closedModel(int, List)}, every request also carrying the header {@code name: value}. */
    public ClosedModel closedModel(int port, List<String> keys, String name, String value) {
        return closedModel(port, keys, bodies, name, value);
    }

    private ClosedModel closedModel(int port, List<String> keys, ClickBodies pool, String header, String value) {
        if (wrk.isPresent()) {
            WrkLoad prepared = WrkLoad.prepare(wrk.get(), wrkDir(), port, PATH, keys, pool, BODY_POOL);
            WrkLoad load = header == null ? prepared : prepared.withHeader(header, value);
            return (name, connections, duration) -> load.closed(name, connections, duration);
        }
        Map<String, String> headers = header == null ? Map.of() : Map.of(header, value);
        return (name, connections, duration) -> {
            try (LoadGenerator gen = new LoadGenerator(port, PATH, connections, keys, headers)) {
                return gen.closed(name, duration, pool::get);
            }
        };
    }

    /** Where wrk's script and request files go. */
    public Path wrkDir() {
        return settings.out().toAbsolutePath().getParent().resolve("wrk");
    }

    /**
     * Starts a CPU window over everyone who works for the clicks: the service under test (named {@code role}),
     * the broker, PostgreSQL, the bench JVM (built-in generator, backlog producer, row polling) and, when it
     * generates the load, wrk.
     */
    public ProcessCpu.Window cpuWindow(long servicePid, String role, boolean withWrk) {
        return cpuWindow(Map.of(role, servicePid), withWrk);
    }

    /** As above, for several services under test at once (name → pid, in the map's order). */
    public ProcessCpu.Window cpuWindow(Map<String, Long> services, boolean withWrk) {
        Map<String, ProcessCpu.Meter> meters = new LinkedHashMap<>();
        services.forEach((role, pid) -> meters.put(role, ProcessCpu.process(pid)));
        meters.put("broker", ProcessCpu.process(kafka.pid()));
        meters.put("postgres", ProcessCpu.postgres(pg.dataDir().toAbsolutePath()));
        meters.put("bench", ProcessCpu.self());
        if (withWrk) {
            meters.put("wrk", ProcessCpu.reapedChildren());
        }
        return ProcessCpu.start(meters);
    }

    public void memory(String name, ServiceProcess jvm) {
        double rss = JvmMemory.rssMb(jvm.pid());
        double heap = JvmMemory.heapAfterFullGcMb(jvm);
        say(String.format(Locale.ROOT, "  %s memory: heap after full GC %.1f MB, RSS %.0f MB", name, heap, rss));
        results.put("memory." + name + "_heap_mb", heap);
        results.put("memory." + name + "_rss_mb", rss);
    }

    public ClickEvents events(long randomSeed) {
        return new ClickEvents(seed.workspaceId(), seed.backlogKeyId(), seed.links(), randomSeed);
    }

    /**
     * Empties every table the click processor writes, so each processor jar of a phase starts on the same empty
     * tables. Without it the second of two jars met twice the rows: the drain's {@code count(*)} polls cost
     * PostgreSQL ~3.5x as much, and its clicks met the first jar's visitors (same seeded events), which made it
     * ~20 % slower whatever it was (BENCHMARKS.md, session 9). The seed (workspace, links, keys) stays.
     */
    public void emptySinkTables() throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("truncate clicks, visitors, visitor_aliases, click_keyed_events, link_daily_totals");
        }
    }

    public long countClicks() throws SQLException {
        try (Connection c = pg.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from clicks")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Applies common's migrations once; the services start with Flyway off (README: a single applier). */
    private void migrate() {
        say("applying the schema (Flyway, classpath:db/migration from common)");
        Flyway.configure().dataSource(pg.dataSource()).locations("classpath:db/migration").load().migrate();
    }

    private Seed seedData() throws SQLException {
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

    public static void show(LoadResult r) {
        say(String.format(Locale.ROOT, "  %s: %.0f/s ok, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, non-200 %d %s",
                r.name(), r.rps(), r.p50Ms(), r.p99Ms(), r.p999Ms(), r.failed(), r.failures().isEmpty() ? "" : r.failures()));
    }

    public static String fmt(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.1f", v);
    }

    public static void say(String line) {
        System.out.println("[bench] " + line);
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
