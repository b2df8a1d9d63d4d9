package dev.affixo.local;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * One service jar run as a child process ({@code java -jar}): two Spring Boot applications in one
 * JVM would share {@code application.yml} and fight over auto-configuration. Output goes to
 * {@code DIR/logs/<name>.log}; ready means {@code GET /actuator/health/readiness} answers 200.
 */
final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    final Path log;
    private final Process process;

    private ServiceProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    static ServiceProcess start(String name, Path jar, int port, Map<String, String> env, List<String> javaOpts,
                                Path logDir) {
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOpts);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("PORT", String.valueOf(port));
        try {
            Files.createDirectories(logDir);
            return new ServiceProcess(name, port, log, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + jar + ")", e);
        }
    }

    String managementUrl() {
        return "http://127.0.0.1:" + port + "/actuator";
    }

    /** Blocks until the readiness probe answers 200; fails fast if the process dies. */
    void awaitReady(long deadlineNanos) throws InterruptedException {
        URI readiness = URI.create(managementUrl() + "/health/readiness");
        HttpRequest request = HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + log
                        + tail());
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException(name + " not ready at " + readiness + " in time; see " + log + tail());
            }
            Thread.sleep(250);
        }
    }

    /** Asks the service to stop (SIGTERM: Spring's graceful shutdown) without waiting. */
    void requestStop() {
        process.destroy();
    }

    /** Waits for the exit until the deadline, then kills it. */
    void awaitStopped(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n--- last lines of " + log.getFileName() + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }
}
