package dev.affixo.infra.process;

import dev.affixo.infra.EmbeddedKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The single-node KRaft broker of the tests ({@link EmbeddedKafka}) in a JVM of its own, with fixed flags
 * ({@link #JVM_FLAGS}): the benchmark runs it so that the load generator's collections never pause the broker, and the
 * local stack so that its broker gets the same settings the benchmark's figures were measured with. The child's side
 * is {@link #runBroker}; each user launches it its own way.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    /** Fixed heap and the parallel collector, like the services' benchmark flags, so runs compare. */
    public static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ServiceProcess process;
    private final int port;

    private KafkaBrokerProcess(ServiceProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code java JVM_FLAGS extraFlags launch} — a command that ends in {@link #runBroker} with a log dir and
     * {@code port} — logging to {@code logDir/<name>.log}, and waits until the broker answers.
     */
    public static KafkaBrokerProcess start(String name, List<String> launch, List<String> extraFlags, int port,
                                           Path logDir, Duration timeout) throws InterruptedException {
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        flags.addAll(extraFlags);
        KafkaBrokerProcess broker = new KafkaBrokerProcess(
                ServiceProcess.start(name, flags, launch, ServiceProcess.Ports.shared(port), Map.of(), logDir), port);
        try {
            broker.awaitReady(timeout);
            return broker;
        } catch (InterruptedException | RuntimeException e) {
            broker.close(); // a 1 GB JVM must not outlive a failed start
            throw e;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // First the listener, quietly: an admin client against a port nobody listens on yet logs a WARN per retry.
        while (!listening()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited:\n" + process.tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Kafka broker was not listening within " + timeout + ":\n"
                        + process.tail(40));
            }
            Thread.sleep(250);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited:\n" + process.tail(40));
                }
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    Thread.sleep(250);
                }
            }
        }
        throw new IllegalStateException("the Kafka broker was not ready within " + timeout + ":\n" + process.tail(40));
    }

    private boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** SIGTERM (the child's shutdown hook stops the broker cleanly), then waits; killed after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.requestStop();
        process.awaitStopped(STOP_TIMEOUT);
    }

    /** {@code java -cp … dev.affixo.infra.process.KafkaBrokerProcess <log dir> <port>}: {@link #runBroker}. */
    public static void main(String[] args) throws InterruptedException {
        runBroker(args);
    }

    /** The child's side: runs the broker on {@code <log dir> <port>} until SIGTERM, which stops it cleanly. */
    public static void runBroker(String[] args) throws InterruptedException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: <log dir> <port>");
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-broker-stop"));
        stopped.await();
    }
}
