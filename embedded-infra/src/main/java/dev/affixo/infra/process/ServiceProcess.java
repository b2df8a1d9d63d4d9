package dev.affixo.infra.process;

import dev.affixo.infra.FreePorts;
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
 * One of the pipeline's services running as its own JVM, as in production: configured only through its
 * environment ({@code PORT} and {@code MANAGEMENT_PORT} are set from its {@link Ports}), output appended to
 * {@code <logDir>/<name>.log}, ready when {@code GET /actuator/health/readiness} answers 200 on its
 * management port. Used by the local launcher, the end-to-end tests and the benchmark. {@link #kill()} is a
 * SIGKILL (no shutdown hooks, no commits); {@link #close()} a SIGTERM with a bounded wait.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

    private final String name;
    private final Ports ports;
    private final Path log;
    private final Process process;

    private ServiceProcess(String name, Ports ports, Path log, Process process) {
        this.name = name;
        this.ports = ports;
        this.log = log;
        this.process = process;
    }

    /**
     * Where a service listens. The ingest API serves the API on {@code http} and health and metrics on
     * {@code management}; the click processor has no API, its one HTTP server is the management server.
     *
     * @param http       the public HTTP port ({@code PORT}), 0 for a service without one
     * @param management the port of health and Prometheus ({@code MANAGEMENT_PORT}); readiness is probed here
     */
    public record Ports(int http, int management) {

        public Ports {
            if (http < 0 || management <= 0) {
                throw new IllegalArgumentException("ports must be positive: http " + http + ", management " + management);
            }
        }

        /** The ingest API's layout: the API and the management server on two ports. */
        public static Ports apiAndManagement(int http, int management) {
            if (http == 0 || http == management) {
                throw new IllegalArgumentException("the API and management ports must be two ports: " + http
                        + ", " + management);
            }
            return new Ports(http, management);
        }

        /** The click processor's layout: one HTTP server, the management server. */
        public static Ports managementOnly(int management) {
            return new Ports(0, management);
        }

        /** A server that answers its readiness probe on its one port (the benchmark's bare baseline server). */
        public static Ports shared(int port) {
            return new Ports(port, port);
        }

        /** {@link #apiAndManagement} on two free loopback ports. */
        public static Ports free() {
            int http = FreePorts.pick();
            return apiAndManagement(http, FreePorts.pickOtherThan(http));
        }

        /** {@link #managementOnly} on a free loopback port. */
        public static Ports freeManagementOnly() {
            return managementOnly(FreePorts.pick());
        }

        /** {@link #shared} on a free loopback port. */
        public static Ports freeShared() {
            return shared(FreePorts.pick());
        }
    }

    /**
     * Starts {@code java <jvmFlags> <launch…>} with {@code environment} added to this JVM's environment, and
     * {@code PORT} (when the service has an HTTP port of its own) and {@code MANAGEMENT_PORT} from {@code ports}.
     *
     * @param launch what follows the JVM flags: see {@link #jar(Path, String...)}
     */
    public static ServiceProcess start(String name, List<String> jvmFlags, List<String> launch, Ports ports,
                                       Map<String, String> environment, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(javaTool("java"));
        command.addAll(jvmFlags);
        command.addAll(launch);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        if (ports.http() > 0) {
            builder.environment().put("PORT", Integer.toString(ports.http()));
        }
        builder.environment().put("MANAGEMENT_PORT", Integer.toString(ports.management()));
        try {
            Files.createDirectories(logDir);
            return new ServiceProcess(name, ports, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** {@code -jar <jar> <args…>}, after checking the jar was built. */
    public static List<String> jar(Path jar, String... args) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -B package -DskipTests)");
        }
        List<String> launch = new ArrayList<>(List.of("-jar", jar.toString()));
        launch.addAll(List.of(args));
        return launch;
    }

    /** Path of a JDK tool ({@code java}, {@code jcmd}) of the JVM running this code. */
    public static String javaTool(String tool) {
        Path p = Path.of(System.getProperty("java.home"), "bin", tool);
        return Files.isExecutable(p) ? p.toString() : tool;
    }

    public String name() {
        return name;
    }

    /** The public HTTP port; a service without one (the click processor) has none to give. */
    public int port() {
        if (ports.http() == 0) {
            throw new IllegalStateException(name + " has no HTTP port besides its management port");
        }
        return ports.http();
    }

    public int managementPort() {
        return ports.management();
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Where the API is: {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Where health and metrics are: {@code http://127.0.0.1:<management port>/actuator}. */
    public String managementUrl() {
        return "http://127.0.0.1:" + ports.management() + "/actuator";
    }

    /** Waits for the readiness probe to answer 200; fails at once, with the log's tail, if the process exits. */
    public ServiceProcess awaitReady(Duration timeout) throws InterruptedException {
        HttpRequest readiness = HttpRequest.newBuilder(URI.create(managementUrl() + "/health/readiness"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(40));
            }
            try {
                if (HTTP.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + tail(40));
    }

    /** SIGTERM (Spring's graceful shutdown), without waiting. */
    public void requestStop() {
        process.destroy();
    }

    /**
     * Waits for the exit up to {@code timeout}, then SIGKILLs. A wait cut short by an interrupt SIGKILLs too before
     * it rethrows: the caller gave up waiting, and nobody else would stop the process.
     */
    public void awaitStopped(Duration timeout) throws InterruptedException {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** SIGKILL: the process gets no chance to flush, commit or close anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and a bounded wait for a graceful exit, then SIGKILL. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            requestStop();
            awaitStopped(STOP_TIMEOUT);
        }
    }

    /** The last {@code lines} lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }
}
