package dev.affixo.bench;

import dev.affixo.bench.baseline.BaselineServer;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.stack.BrokerProcess;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code java -jar bench/target/affixo-bench.jar [--part 1|2 | --only PHASES] [--quick] [--out FILE] [--root DIR]
 * [--service-jvm-flags "..."] [--processor-before JAR]}
 * runs the benchmark: with neither {@code --part} nor {@code --only}, its part 1, after which it prints the exact
 * command of part 2 ({@link BenchSettings#PARTS}); {@code java -jar affixo-bench.jar baseline-server} is the bare
 * WebFlux endpoint the benchmark starts as a child JVM (baseline a), and {@code kafka-broker DIR PORT} its Kafka
 * broker's JVM.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("baseline-server")) {
            BaselineServer.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("kafka-broker")) {
            BrokerProcess.runBroker(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        boolean quick = false;
        Path out = null;
        Integer part = null;
        Path firstPartResults = null;
        boolean onlyGiven = false;
        Path root = Path.of(".");
        List<String> flags = BenchSettings.DEFAULT_SERVICE_JVM_FLAGS;
        Set<String> only = Set.copyOf(BenchSettings.PHASES);
        Path processorBefore = null;
        Path ingestBefore = null;
        Path startupJava = BenchSettings.currentJava();
        Path aotJava = BenchSettings.DEFAULT_AOT_JAVA;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--only" -> {
                    only = Set.of(value(args, ++i, "--only").split(","));
                    onlyGiven = true;
                }
                case "--part" -> part = partNumber(value(args, ++i, "--part"));
                case "--part1-results" -> firstPartResults = Path.of(value(args, ++i, "--part1-results"));
                case "--root" -> root = Path.of(value(args, ++i, "--root"));
                case "--processor-before" -> processorBefore = Path.of(value(args, ++i, "--processor-before"));
                case "--ingest-before" -> ingestBefore = Path.of(value(args, ++i, "--ingest-before"));
                case "--startup-java" -> startupJava = Path.of(value(args, ++i, "--startup-java"));
                case "--aot-java" -> aotJava = Path.of(value(args, ++i, "--aot-java"));
                case "--service-jvm-flags" -> flags = List.of(value(args, ++i, "--service-jvm-flags").trim().split("\\s+"));
                case "-h", "--help" -> {
                    System.out.println(usage());
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + args[i] + "\n" + usage());
                    System.exit(2);
                }
            }
        }
        if (part != null && onlyGiven) {
            System.err.println("--part and --only exclude each other\n" + usage());
            System.exit(2);
        }
        // The documented benchmark is two invocations; --quick checks the program and still fits one run.
        if (part == null && !onlyGiven && !quick) {
            part = 1;
        }
        boolean outGiven = out != null;
        if (out == null) {
            out = Path.of(part == null ? "bench/target/results.json" : "bench/target/results-part" + part + ".json");
        }
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("ingest-api"))) {
            System.err.println("run from the repository root, or pass --root: no ingest-api/ under " + root);
            System.exit(2);
        }
        BenchSettings settings = quick ? BenchSettings.quick(root, out, new ArrayList<>(flags))
                : BenchSettings.full(root, out, new ArrayList<>(flags));
        settings = settings.only(only).withStartupJavas(startupJava, aotJava);
        if (part != null) {
            settings = settings.part(part, firstPartResults != null ? firstPartResults
                    : out.resolveSibling("results-part1.json"));
        }
        if (processorBefore != null) {
            if (!Files.isRegularFile(processorBefore)) {
                System.err.println("--processor-before: no such jar " + processorBefore);
                System.exit(2);
            }
            settings = settings.withProcessorBefore(processorBefore.toAbsolutePath().normalize());
        }
        if (ingestBefore != null) {
            if (!Files.isRegularFile(ingestBefore)) {
                System.err.println("--ingest-before: no such jar " + ingestBefore);
                System.exit(2);
            }
            settings = settings.withIngestBefore(ingestBefore.toAbsolutePath().normalize());
        }
        int status = new Benchmark(settings).run();
        if (part != null && part == 1) {
            System.out.println();
            System.out.println("This was part 1 of 2 of the benchmark. Part 2 (the other phases, reading part 1's ingest"
                    + " figures from " + out + "):");
            System.out.println("  " + partTwoCommand(ManagementFactory.getRuntimeMXBean().getInputArguments(),
                    benchJar(), args, outGiven ? out : null));
        }
        System.exit(status);
    }

    private static int partNumber(String value) {
        if (!value.equals("1") && !value.equals("2")) {
            throw new IllegalArgumentException("--part is 1 or 2, not " + value);
        }
        return Integer.parseInt(value);
    }

    /**
     * The command that runs part 2 as part 1 was run: the same java flags, jar and options, with {@code --part 2};
     * when part 1 was given {@code --out}, part 2 writes beside it and reads part 1's results from there.
     */
    static String partTwoCommand(List<String> jvmArgs, String jar, String[] partOneArgs, Path partOneOut) {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar));
        for (int i = 0; i < partOneArgs.length; i++) {
            switch (partOneArgs[i]) {
                // the before/after comparison belongs to part 1 only
                case "--part", "--out", "--part1-results", "--ingest-before" -> i++;
                default -> command.add(partOneArgs[i]);
            }
        }
        command.addAll(List.of("--part", "2"));
        if (partOneOut != null) {
            command.addAll(List.of("--out", partOneOut.resolveSibling("results-part2.json").toString(),
                    "--part1-results", partOneOut.toString()));
        }
        return command.stream().map(BenchMain::quoted).collect(Collectors.joining(" "));
    }

    /** Quotes a word for a POSIX shell when it needs it ({@code --service-jvm-flags "-Xms512m -Xmx512m"}). */
    private static String quoted(String word) {
        return word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** The jar as it was named on the command line (relative, as typed), else where this class was loaded from. */
    private static String benchJar() {
        String command = System.getProperty("sun.java.command", "");
        String first = command.split(" ", 2)[0];
        if (first.endsWith(".jar")) {
            return first;
        }
        try {
            return Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            return "bench/target/affixo-bench.jar";
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static String usage() {
        return """
                usage: java -jar bench/target/affixo-bench.jar [--part 1|2 | --only PHASE,...] [--quick] [--out FILE]
                                                              [--part1-results FILE] [--root DIR]
                                                              [--service-jvm-flags "-Xms512m -Xmx512m -XX:+UseParallelGC"]
                                                              [--processor-before JAR] [--ingest-before JAR]
                                                              [--startup-java JAVA] [--aot-java JAVA]
                  --part    the documented benchmark is two runs, each within the 13-minute limit: 1 = ingest (with
                            its ratio rounds, tracing and end-to-end rows), 2 = batch, baseline_http, baseline_kafka,
                            processing, baseline_insert, startup. Without --part or --only a run is part 1 and ends
                            by printing the exact command of part 2
                  --part1-results  the JSON of part 1, which part 2 reads its ingest figures from (default
                            results-part1.json beside --out)
                  --quick   seconds per phase and a small backlog: checks the program, figures mean nothing; without
                            --part or --only it runs every phase at once
                  --only    run only these phases (ingest, startup, batch, baseline_http, baseline_kafka,
                            processing, baseline_insert),
                            e.g. while profiling one of them; the report says it is partial. On request only: state
                            (5 M clicks of new visitors: processor state on disk, longest poll gap, rows/s)
                  --processor-before  also run processing and state with this click-processor jar first (an older
                            build), so before and after come from one run; each jar starts on empty sink tables
                  --ingest-before  also run api_before_after: this ingest-api jar (an older build) against the
                            current one, two fresh APIs warmed to steady state and alternated (throughput, latency,
                            API CPU per click); with --only api_before_after, only that
                  --startup-java  the java of the startup phase's plain fresh API (default: this java)
                  --aot-java  the JDK 25+ java of the startup phase's extracted and AOT-cache rows (default
                            /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; rows skipped when missing)
                  --out     where the JSON goes (default bench/target/results-part1.json / -part2.json, or
                            results.json for --only and --quick); the table goes beside it as .txt
                  --root    the repository root holding ingest-api/ and click-processor/ (default .)""";
    }
}
