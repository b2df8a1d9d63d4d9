package dev.affixo.bench.ingest;

import static dev.affixo.bench.run.RunContext.PATH;
import static dev.affixo.bench.run.RunContext.READY_TIMEOUT;
import static dev.affixo.bench.run.RunContext.requireJar;
import static dev.affixo.bench.run.RunContext.say;

import dev.affixo.bench.load.LoadGenerator;
import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.load.SteadyState;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.bench.stack.FreshJvm;
import dev.affixo.infra.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Phase {@code startup} (issue 17): how long a fresh API instance takes to carry its share of a burst — what an
 * autoscaled instance meets. Under a fixed open-model load ({@link BenchSettings.Startup#shareOfMax()} of the
 * warm built-in generator's maximum from the ingest phase), seconds from process start until a window's
 * throughput is within the tolerance (10 %) of the offered rate. Rows: the JVM as every service runs
 * ({@code -jar}, the bench's java), the JDK 25 JVM on the extracted jar, and the same with the JDK's AOT cache
 * (JEP 514/515) from Spring Boot's documented training run ({@code -XX:AOTCacheOutput} with
 * {@code -Dspring.context.exit=onRefresh}, on the extracted jar: a cache has no effect on the fat jar), made the way
 * the service images make theirs in {@code docker build} (docker/ingest-api.Dockerfile): with no Kafka or PostgreSQL
 * to reach and Flyway's migration skipped.
 */
public final class TimeToSteadyPhase {

    private static final String TOPIC = "bench.startup.accepted";

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public TimeToSteadyPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    public void run() throws Exception {
        requireJar(s.ingestJar());
        BenchSettings.Startup st = s.startup();
        double warmMax = results.number("ingest.builtin_closed_64.rps");
        double rate = Double.isFinite(warmMax) ? st.shareOfMax() * warmMax : st.fallbackRate();
        results.put("startup.offered_rps", rate);
        results.put("startup.offered_from", Double.isFinite(warmMax) ? "ingest.builtin_closed_64" : "fallback");
        ctx.kafkaLoad().createTopic(TOPIC, 12);
        Map<String, String> env = ctx.serviceEnv(TOPIC, "bench.startup.dead-letter", "bench-startup");
        say(String.format(Locale.ROOT, "startup: fresh API instances under %.0f/s (%s), windows of %d s, "
                + "steady = within %.0f %% of it, at most %d s from process start", rate,
                Double.isFinite(warmMax) ? Math.round(st.shareOfMax() * 100) + " % of the warm built-in maximum"
                        : "fallback rate: the ingest phase did not run", st.window().toSeconds(),
                st.tolerance() * 100, st.bound().toSeconds()));

        measure("plain", "-jar", st.java(), List.of(),
                List.of("-jar", s.ingestJar().toString()), rate, env);
        if (!Files.isExecutable(st.aotJava())) {
            say("startup: no JDK at " + st.aotJava() + " (--aot-java): AOT cache rows skipped");
            results.put("startup.aot_skipped", "no JDK at " + st.aotJava());
            return;
        }
        Path dir = Files.createTempDirectory("affixo-bench-aot-");
        ctx.cleanup().register(() -> RunContext.deleteRecursively(dir));
        Path extracted = extract(st.aotJava(), dir.resolve("ingest-api"));
        List<String> launch = List.of("-jar", extracted.toString());
        measure("jdk25_plain", "extracted, JDK 25", st.aotJava(), List.of(), launch,
                rate, env);
        Path cache = dir.resolve("ingest-api.aot");
        double trainingSeconds = train(st.aotJava(), cache, launch, env);
        results.put("startup.aot_training_seconds", trainingSeconds);
        results.put("startup.aot_cache_mb", Files.size(cache) / 1e6);
        measure("jdk25_aot", "AOT cache, JDK 25", st.aotJava(),
                List.of("-XX:AOTCache=" + cache), launch, rate, env);
    }

    /** Spring Boot's extracted layout ({@code -Djarmode=tools extract}), which class-data caches need. */
    private Path extract(Path java, Path destination) throws Exception {
        Process p = new ProcessBuilder(java.toString(), "-Djarmode=tools", "-jar", s.ingestJar().toString(),
                "extract", "--destination", destination.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(s.logDir().resolve("ingest-api-extract.log").toFile()))
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("extracting " + s.ingestJar() + " failed: see ingest-api-extract.log");
        }
        Path jar = destination.resolve(s.ingestJar().getFileName());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + " after extraction");
        }
        return jar;
    }

    /**
     * The training run: the context refreshes, the JVM exits and writes the cache. As in the image build, nothing
     * answers at the Kafka and PostgreSQL addresses (port 1), and the one database access during the refresh,
     * Flyway's migration, is off for this run.
     */
    private double train(Path java, Path cache, List<String> launch, Map<String, String> serviceEnv) throws Exception {
        say("startup: AOT cache training run (" + java + " -XX:AOTCacheOutput, spring.context.exit=onRefresh, "
                + "no Kafka or PostgreSQL, as docker/ingest-api.Dockerfile)");
        List<String> flags = new ArrayList<>(s.serviceJvmFlags());
        flags.add("-XX:AOTCacheOutput=" + cache);
        flags.add("-Dspring.context.exit=onRefresh");
        flags.add("-Dspring.flyway.enabled=false");
        Map<String, String> env = new LinkedHashMap<>(serviceEnv);
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        env.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/affixo");
        int port = FreePorts.pick();
        try (FreshJvm training = ctx.cleanup().register(FreshJvm.start("ingest-api-aot-training", java, flags,
                launch, port, FreePorts.pickOtherThan(port), env, s.logDir()))) {
            if (!training.awaitExit(Duration.ofSeconds(180))) {
                throw new IllegalStateException("the AOT training run did not exit within 180 s:\n" + training.tail(30));
            }
            // a refresh that failed still writes a cache, of fewer classes: the image build fails on it, so must this
            if (training.exitValue() != 0 || !Files.isRegularFile(cache)) {
                throw new IllegalStateException("the AOT training run failed or wrote no cache (exit " + training.exitValue()
                        + "):\n" + training.tail(30));
            }
            double seconds = training.secondsSinceStart();
            say(String.format(Locale.ROOT, "  cache written in %.1f s, %.0f MB", seconds, Files.size(cache) / 1e6));
            return seconds;
        }
    }

    private void measure(String key, String label, Path java, List<String> extraFlags, List<String> launch,
                         double rate, Map<String, String> env) throws Exception {
        BenchSettings.Startup st = s.startup();
        List<String> flags = new ArrayList<>(s.serviceJvmFlags());
        flags.addAll(extraFlags);
        int port = FreePorts.pick();
        FreshJvm api = ctx.cleanup().register(FreshJvm.start("ingest-api-startup-" + key, java, flags, launch, port,
                FreePorts.pickOtherThan(port), env, s.logDir()));
        try {
            double ready = api.awaitReady(READY_TIMEOUT);
            say(String.format(Locale.ROOT, "  %s: pid %d ready after %.2f s", label, api.pid(), ready));
            List<Double> windowRps = new ArrayList<>();
            List<Double> windowP99 = new ArrayList<>();
            List<Double> windowEnds = new ArrayList<>();
            double steadyAt = Double.NaN;
            try (LoadGenerator gen = new LoadGenerator(api.port(), PATH, 64, ctx.seed().apiKeys())) {
                while (api.secondsSinceStart() + st.window().toSeconds() <= st.bound().toSeconds() + 1e-9
                        || windowRps.isEmpty()) {
                    LoadResult w = gen.open("startup-" + key + "-" + windowRps.size(), rate, st.window(),
                            ctx.bodies()::get, null);
                    double end = api.secondsSinceStart();
                    windowRps.add(w.rps());
                    windowP99.add(w.p99Ms());
                    windowEnds.add(end);
                    say(String.format(Locale.ROOT, "    window to %.1f s: %.0f/s, p99 %.1f ms", end, w.rps(), w.p99Ms()));
                    if (SteadyState.within(w.rps(), rate, st.tolerance())) {
                        steadyAt = end;
                        break;
                    }
                }
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("java", java.toString());
            json.put("jvm_flags", String.join(" ", flags));
            json.put("ready_seconds", ready);
            json.put("steady_seconds", Double.isFinite(steadyAt) ? steadyAt : null);
            json.put("window_end_seconds", windowEnds);
            json.put("window_rps", windowRps);
            json.put("window_p99_ms", windowP99);
            results.put("startup." + key, json);
            String windows = windowRps.stream().map(v -> String.format(Locale.ROOT, "%.0f", v))
                    .collect(Collectors.joining(" "));
            results.row(new Row("time to steady, fresh API: " + label, windowRps.get(windowRps.size() - 1), Double.NaN,
                    windowP99.get(windowP99.size() - 1), Double.NaN, -1, String.format(Locale.ROOT,
                            "%s; ready %.1f s; windows/s: %s (offered %.0f/s); %s",
                            Double.isFinite(steadyAt) ? String.format(Locale.ROOT, "steady %.1f s after start", steadyAt)
                                    : "NOT steady within " + st.bound().toSeconds() + " s", ready, windows, rate,
                            javaName(java))));
            if (!Double.isFinite(steadyAt)) {
                ctx.failures().add("startup_" + key + ": a fresh API was not within " + Math.round(st.tolerance() * 100)
                        + " % of " + Math.round(rate) + "/s within " + st.bound().toSeconds() + " s: " + windows);
            }
        } finally {
            ctx.cleanup().close(api);
        }
    }

    private static String javaName(Path java) {
        Path home = java.getParent() == null ? null : java.getParent().getParent();
        return home == null ? java.toString() : home.getFileName().toString();
    }
}
