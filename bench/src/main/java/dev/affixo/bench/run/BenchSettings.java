package dev.affixo.bench.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What one run does. {@link #full} is the documented benchmark, run as two {@link #PARTS} (two invocations, each
 * ≤ 14 minutes on 2 cores); {@link #quick} runs the phases for seconds on a small backlog, to check the program,
 * never to quote figures. The {@code state} phase runs only on request ({@code --only state}) and may extend the
 * limit.
 */
public record BenchSettings(
        boolean quick,
        Path root,
        Path out,
        List<String> serviceJvmFlags,
        Duration warmup,
        Duration phase,
        Duration kafkaCeiling,
        long backlog,
        long processingWarmup,
        Duration processingTimeout,
        double openModelShareOfMax,
        double endToEndShareOfMax,
        double endToEndLightShareOfMax,
        int endToEndSampleEvery,
        Set<String> phases,
        long stateClicks,
        Duration stateTimeout,
        Path processorBefore,
        Path ingestBefore,
        Steady steady,
        Alternation alternation,
        Startup startup,
        Part part) {

    /**
     * One of the documented benchmark's two invocations ({@code number} 1 or 2, see {@link #PARTS});
     * {@code firstPartResults} is the JSON of part 1, which part 2 reads back for the figures that need ingest.
     */
    public record Part(int number, Path firstPartResults) {
    }

    /**
     * The warm-up before measured windows (issue 17): windows of {@code window} until the last {@code windows}
     * are within {@code tolerance} of each other; past {@code bound} the warm-up is a failure of the run.
     */
    public record Steady(Duration window, int windows, double tolerance, Duration bound) {
    }

    /** The ratio rows, run alternately A B A B A B: {@code rounds} rounds of {@code window} per row. */
    public record Alternation(int rounds, Duration window) {
    }

    /**
     * Time to steady state of a fresh API (issue 17): an open-model load of {@code shareOfMax} of the warm
     * built-in generator's maximum ({@code fallbackRate} when the ingest phase did not run), windows of
     * {@code window}, at most {@code bound} per instance; {@code java} runs the plain instance, {@code aotJava}
     * (JDK 25+) the plain and AOT-cache ones, when it exists.
     */
    public record Startup(Duration bound, Duration window, double shareOfMax, double fallbackRate, double tolerance,
                          Path java, Path aotJava) {
    }

    /** The JDK the AOT-cache row uses unless --aot-java says otherwise (JEP 514/515 need 25+). */
    public static final Path DEFAULT_AOT_JAVA = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    /** The java running the bench: what the other services run on. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Every phase, in the order a run takes them; {@code --only} picks a subset (the report then says so). */
    public static final List<String> PHASES = List.of("ingest", "batch", "baseline_http", "baseline_kafka", "processing",
            "baseline_insert", "startup");
    /**
     * Phases only {@code --only} runs: {@code state} drains 5 million clicks (about 5–15 minutes per processor
     * on 2 cores), too long for the 10-minute run; {@code tracing} is the ingest phase's tracing rows alone (about
     * 5 minutes), for judging a change to tracing without the rest of ingest.
     */
    public static final List<String> OPTIONAL_PHASES = List.of("state", "api_before_after", "tracing");

    /**
     * The documented benchmark in two invocations, each within {@link #runLimit()} on this 2-core machine: since
     * issue 17's steady-state warm-ups, alternating ratio rounds and fresh-instance rows, all the phases together
     * take about 20 minutes. Part 1 is {@code ingest} with its ratio rounds, tracing and end-to-end rows (about 11
     * minutes), part 2 every other phase (about 10); part 2 reads part 1's ingest figures back
     * ({@link #CARRIED_FROM_PART_1}).
     */
    public static final List<List<String>> PARTS = List.of(List.of("ingest"),
            List.of("batch", "baseline_http", "baseline_kafka", "processing", "baseline_insert", "startup"));
    /**
     * What part 2 takes from part 1's JSON: the 64-connection ingest row for the targets against baseline (a) and
     * processing, and the warm built-in generator's maximum, which sets the startup phase's offered rate.
     */
    public static final List<String> CARRIED_FROM_PART_1 = List.of("ingest.rps", "ingest.p99_ms",
            "ingest.builtin_closed_64.rps");

    public static final int LINKS = 10_000;
    public static final int[] CONNECTIONS = {16, 64};
    /**
     * Fixed heap so every run and every service gets the same memory, 512 MB so the targets (128 / 256 MB
     * after GC) are measured rather than enforced by the limit; the parallel collector because on 2 cores
     * G1's concurrent threads compete with the load generator and the broker.
     */
    public static final List<String> DEFAULT_SERVICE_JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseParallelGC");

    public static BenchSettings full(Path root, Path out, List<String> flags) {
        return new BenchSettings(false, root, out, flags, Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofSeconds(10), 500_000, 200_000, Duration.ofSeconds(240), 0.7, 0.5, 0.1, 100, Set.copyOf(PHASES),
                5_000_000, Duration.ofMinutes(15), null, null,
                new Steady(Duration.ofSeconds(5), 3, 0.05, Duration.ofSeconds(120)),
                new Alternation(3, Duration.ofSeconds(5)),
                new Startup(Duration.ofSeconds(35), Duration.ofSeconds(5), 0.5, 2000, 0.10, currentJava(),
                        DEFAULT_AOT_JAVA), null);
    }

    public static BenchSettings quick(Path root, Path out, List<String> flags) {
        return new BenchSettings(true, root, out, flags, Duration.ofSeconds(3), Duration.ofSeconds(3),
                Duration.ofSeconds(2), 20_000, 5_000, Duration.ofSeconds(90), 0.7, 0.5, 0.1, 20, Set.copyOf(PHASES),
                50_000, Duration.ofMinutes(2), null, null,
                // wrk counts whole seconds; 2 s windows on a shared machine settle less often: a wider tolerance,
                // since quick figures mean nothing anyway
                new Steady(Duration.ofSeconds(2), 3, 0.15, Duration.ofSeconds(30)),
                new Alternation(3, Duration.ofSeconds(2)),
                new Startup(Duration.ofSeconds(25), Duration.ofSeconds(2), 0.5, 500, 0.25, currentJava(),
                        DEFAULT_AOT_JAVA), null);
    }

    public BenchSettings only(Set<String> chosen) {
        for (String phase : chosen) {
            if (!PHASES.contains(phase) && !OPTIONAL_PHASES.contains(phase)) {
                throw new IllegalArgumentException("unknown phase " + phase + "; phases are " + PHASES
                        + ", and on request " + OPTIONAL_PHASES);
            }
        }
        return new BenchSettings(quick, root, out, serviceJvmFlags, warmup, phase, kafkaCeiling, backlog,
                processingWarmup, processingTimeout, openModelShareOfMax, endToEndShareOfMax, endToEndLightShareOfMax,
                endToEndSampleEvery, Set.copyOf(chosen), stateClicks, stateTimeout, processorBefore, ingestBefore, steady,
                alternation, startup, null);
    }

    /** Part {@code number} (1 or 2) of the documented benchmark: its phases, and where part 1's results are. */
    public BenchSettings part(int number, Path firstPartResults) {
        if (number < 1 || number > PARTS.size()) {
            throw new IllegalArgumentException("--part is 1 or 2");
        }
        BenchSettings chosen = only(Set.copyOf(PARTS.get(number - 1)));
        return new BenchSettings(quick, root, out, serviceJvmFlags, warmup, phase, kafkaCeiling, backlog,
                processingWarmup, processingTimeout, openModelShareOfMax, endToEndShareOfMax, endToEndLightShareOfMax,
                endToEndSampleEvery, chosen.phases, stateClicks, stateTimeout, processorBefore, ingestBefore, steady,
                alternation, startup, new Part(number, firstPartResults));
    }

    /** Runs the processor phases ({@code processing}, {@code state}) also with this jar, first, as "before". */
    public BenchSettings withProcessorBefore(Path jar) {
        return new BenchSettings(quick, root, out, serviceJvmFlags, warmup, phase, kafkaCeiling, backlog,
                processingWarmup, processingTimeout, openModelShareOfMax, endToEndShareOfMax, endToEndLightShareOfMax,
                endToEndSampleEvery, phases, stateClicks, stateTimeout, jar, ingestBefore, steady, alternation, startup,
                part);
    }

    /**
     * Also runs {@code api_before_after}: this ingest-api jar (an older build) against the one under the root, as
     * two fresh APIs alternated in the same run.
     */
    public BenchSettings withIngestBefore(Path jar) {
        Set<String> withPhase = new java.util.HashSet<>(phases);
        withPhase.add("api_before_after");
        return new BenchSettings(quick, root, out, serviceJvmFlags, warmup, phase, kafkaCeiling, backlog,
                processingWarmup, processingTimeout, openModelShareOfMax, endToEndShareOfMax, endToEndLightShareOfMax,
                endToEndSampleEvery, Set.copyOf(withPhase), stateClicks, stateTimeout, processorBefore, jar, steady,
                alternation, startup, part);
    }

    /** The javas of the time-to-steady-state rows. */
    public BenchSettings withStartupJavas(Path java, Path aotJava) {
        return new BenchSettings(quick, root, out, serviceJvmFlags, warmup, phase, kafkaCeiling, backlog,
                processingWarmup, processingTimeout, openModelShareOfMax, endToEndShareOfMax, endToEndLightShareOfMax,
                endToEndSampleEvery, phases, stateClicks, stateTimeout, processorBefore, ingestBefore, steady, alternation,
                new Startup(startup.bound(), startup.window(), startup.shareOfMax(), startup.fallbackRate(),
                        startup.tolerance(), java, aotJava), part);
    }

    /** A processor jar a phase runs, and the label its figures carry ("" for the jar under {@code --root}). */
    public record ProcessorJar(String label, Path jar) {
        public String key(String phase) {
            return label.isEmpty() ? phase : phase + "_" + label;
        }
    }

    /** The processor jars the processor phases run, in order: the "before" jar if given, then the root's. */
    public List<ProcessorJar> processorJars() {
        ProcessorJar current = new ProcessorJar("", processorJar());
        return processorBefore == null ? List.of(current)
                : List.of(new ProcessorJar("before", processorBefore), current);
    }

    /**
     * How long the phases of one invocation may take together, however slow the machine: 13 minutes, so a run
     * with start-up and cleanup stays within 14; each of the two {@link #PARTS} fits it (all the phases at once no
     * longer do on 2 cores); 10 in quick mode.
     */
    public Duration runLimit() {
        Duration limit = quick ? Duration.ofMinutes(10) : Duration.ofMinutes(13);
        int jars = processorJars().size();
        if (phases.contains("state")) {
            limit = limit.plus(stateTimeout.plusMinutes(2).multipliedBy(jars));
        }
        if (jars > 1 && phases.contains("processing")) {
            limit = limit.plus(processingTimeout.plusMinutes(1));
        }
        return limit;
    }

    /** A subset picked with {@code --only}; a part of the documented benchmark is not partial. */
    public boolean partial() {
        return part == null && !phases.containsAll(PHASES);
    }

    public Path ingestJar() {
        return root.resolve("ingest-api/target/ingest-api.jar");
    }

    public Path processorJar() {
        return root.resolve("click-processor/target/click-processor.jar");
    }

    public Path logDir() {
        return out.toAbsolutePath().getParent().resolve("bench-logs");
    }
}
