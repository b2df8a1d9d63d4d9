package dev.affixo.bench.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service JVM started with a java of our choosing (the other services run on the bench's own java, through
 * embedded-infra's {@code ServiceProcess}): the time-to-steady-state rows compare JDKs and the JDK's AOT cache.
 * Configured only through its environment, like every service; {@code PORT} and {@code MANAGEMENT_PORT} set;
 * output appended to {@code <logDir>/<name>.log}. Remembers when it was started, since that is where the
 * figure's clock starts.
 */
public final class FreshJvm implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final long startedNanos;
    private final int port;
    private final int managementPort;
    private final Path log;

    private FreshJvm(String name, Process process, long startedNanos, int port, int managementPort, Path log) {
        this.name = name;
        this.process = process;
        this.startedNanos = startedNanos;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    public static FreshJvm start(String name, Path java, List<String> jvmFlags, List<String> launch, int port,
                                 int managementPort, Map<String, String> environment, Path logDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmFlags);
        command.addAll(launch);
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("MANAGEMENT_PORT", Integer.toString(managementPort));
        long started = System.nanoTime();
        return new FreshJvm(name, builder.start(), started, port, managementPort, log);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Seconds since the process was started. */
    public double secondsSinceStart() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** Waits until readiness answers 200; returns the seconds since start. */
    public double awaitReady(Duration timeout) throws InterruptedException {
        HttpRequest readiness = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(40));
            }
            try {
                if (HTTP.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return secondsSinceStart();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + tail(40));
    }

    /** Waits for the process to exit by itself (a training run); false at the timeout. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, a bounded wait, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
