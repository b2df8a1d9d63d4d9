package dev.affixo.bench;

import dev.affixo.bench.baseline.BaselineServer;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.stack.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar bench/target/affixo-bench.jar [--quick] [--only PHASES] [--out FILE] [--root DIR] [--service-jvm-flags "..."]
 * [--processor-before JAR]}
 * runs the benchmark; {@code java -jar affixo-bench.jar baseline-server} is the bare WebFlux endpoint the
 * benchmark starts as a child JVM (baseline a), and {@code kafka-broker DIR PORT} its Kafka broker's JVM.
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
        Path out = Path.of("bench/target/results.json");
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
                case "--only" -> only = Set.of(value(args, ++i, "--only").split(","));
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
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("ingest-api"))) {
            System.err.println("run from the repository root, or pass --root: no ingest-api/ under " + root);
            System.exit(2);
        }
        BenchSettings settings = quick ? BenchSettings.quick(root, out, new ArrayList<>(flags))
                : BenchSettings.full(root, out, new ArrayList<>(flags));
        settings = settings.only(only).withStartupJavas(startupJava, aotJava);
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
        System.exit(status);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static String usage() {
        return """
                usage: java -jar bench/target/affixo-bench.jar [--quick] [--only PHASE,...] [--out FILE] [--root DIR]
                                                              [--service-jvm-flags "-Xms512m -Xmx512m -XX:+UseParallelGC"]
                                                              [--processor-before JAR] [--ingest-before JAR]
                                                              [--startup-java JAVA] [--aot-java JAVA]
                  --quick   seconds per phase and a small backlog: checks the program, figures mean nothing
                  --only    run only these phases (ingest, startup, batch, baseline_http, baseline_kafka,
                            processing, baseline_insert),
                            e.g. while profiling one of them; the report says it is partial. On request only: state
                            (5 M clicks of new visitors: processor state on disk, longest poll gap, rows/s)
                  --processor-before  also run processing and state with this click-processor jar first (an older
                            build), so before and after come from one run
                  --ingest-before  also run ingest_before_after: this ingest-api jar (an older build) against the
                            current one, two fresh APIs warmed to steady state and alternated (throughput, latency,
                            API CPU per click); with --only ingest_before_after, only that
                  --startup-java  the java of the startup phase's plain fresh API (default: this java)
                  --aot-java  the JDK 25+ java of the startup phase's extracted and AOT-cache rows (default
                            /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; rows skipped when missing)
                  --out     where the JSON goes (default bench/target/results.json)
                  --root    the repository root holding ingest-api/ and click-processor/ (default .)""";
    }
}
