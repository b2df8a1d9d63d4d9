package dev.affixo.bench.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service (or the baseline server) running as its own JVM with fixed flags, configured through its
 * environment, output captured to a log file, ready when {@code /actuator/health/readiness} answers 200.
 */
public final class ChildJvm implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** One line per heap space in {@code GC.heap_info}, whatever the collector: "... total 123K, used 45K". */
    private static final Pattern HEAP_USED = Pattern.compile("total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java <jvmFlags> <launch...>} with {@code environment} added to this JVM's environment.
     *
     * @param launch what follows the JVM flags: {@code -jar x.jar} or {@code -cp ... Main}, plus arguments
     */
    public static ChildJvm start(String name, List<String> jvmFlags, List<String> launch, int port,
                                 Map<String, String> environment, Path logDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable("java"));
        command.addAll(jvmFlags);
        command.addAll(launch);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Files.deleteIfExists(log);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("PORT", Integer.toString(port));
        return new ChildJvm(name, port, builder.start(), log);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public ChildJvm awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + tail());
    }

    /** Resident set size from {@code /proc/<pid>/status}, in MB; NaN where /proc is missing. */
    public double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return Double.NaN;
    }

    /** Forces a full GC ({@code jcmd GC.run}) and returns the heap in use right after it, in MB. */
    public double heapAfterFullGcMb() {
        try {
            jcmd("GC.run");
            return parseHeapUsedMb(jcmd("GC.heap_info"));
        } catch (IOException | RuntimeException e) {
            System.err.println("  (could not read the heap of " + name + ": " + e.getMessage() + ")");
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    static double parseHeapUsedMb(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        long usedKb = 0;
        boolean found = false;
        while (m.find()) {
            usedKb += Long.parseLong(m.group(2));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no heap spaces in GC.heap_info: " + heapInfo);
        }
        return usedKb / 1024.0;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaExecutable("jcmd"), Long.toString(pid()), command)
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + command + " timed out");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String javaExecutable(String tool) {
        Path p = Path.of(System.getProperty("java.home"), "bin", tool);
        return Files.isExecutable(p) ? p.toString() : tool;
    }

    /** SIGTERM, a bounded wait for a graceful exit, then SIGKILL. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
