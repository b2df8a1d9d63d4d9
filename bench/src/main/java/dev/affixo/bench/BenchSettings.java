package dev.affixo.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one run does. {@link #full} is the documented benchmark (≤ 10 minutes on 2 cores); {@link #quick}
 * runs every phase for seconds on a small backlog, to check the program, never to quote figures.
 */
record BenchSettings(
        boolean quick,
        Path root,
        Path out,
        List<String> serviceJvmFlags,
        Duration warmup,
        Duration phase,
        Duration kafkaCeiling,
        long backlog,
        Duration processingTimeout,
        double openModelShareOfMax,
        double endToEndShareOfMax,
        int endToEndSampleEvery) {

    static final int LINKS = 10_000;
    static final int[] CONNECTIONS = {16, 64};
    /**
     * Fixed heap so every run and every service gets the same memory, 512 MB so the targets (128 / 256 MB
     * after GC) are measured rather than enforced by the limit; the parallel collector because on 2 cores
     * G1's concurrent threads compete with the load generator and the broker.
     */
    static final List<String> DEFAULT_SERVICE_JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseParallelGC");

    static BenchSettings full(Path root, Path out, List<String> flags) {
        return new BenchSettings(false, root, out, flags, Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofSeconds(10), 500_000, Duration.ofSeconds(240), 0.7, 0.5, 100);
    }

    static BenchSettings quick(Path root, Path out, List<String> flags) {
        return new BenchSettings(true, root, out, flags, Duration.ofSeconds(3), Duration.ofSeconds(3),
                Duration.ofSeconds(2), 20_000, Duration.ofSeconds(90), 0.7, 0.5, 20);
    }

    Path ingestJar() {
        return root.resolve("ingest-api/target/ingest-api.jar");
    }

    Path processorJar() {
        return root.resolve("click-processor/target/click-processor.jar");
    }

    Path logDir() {
        return out.toAbsolutePath().getParent().resolve("bench-logs");
    }
}
