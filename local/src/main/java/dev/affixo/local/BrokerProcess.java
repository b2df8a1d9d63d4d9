package dev.affixo.local;

import dev.affixo.infra.EmbeddedKafka;
import dev.affixo.infra.process.ServiceProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The stack's Kafka broker in a JVM of its own, with the benchmark's JVM settings ({@link #JVM_FLAGS}): the same
 * single-node KRaft broker ({@link EmbeddedKafka}) the tests and the benchmark run. In the launcher's JVM it got the
 * JVM's defaults instead (G1, a heap that starts small and grows), so its first minutes under load were slower than
 * the benchmark's broker, which is what the figures in BENCHMARKS.md and docs/local-stack.md were measured with.
 */
final class BrokerProcess implements AutoCloseable {

    /** The benchmark's broker flags (bench/stack/BrokerProcess): fixed heap, the parallel collector. */
    static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ServiceProcess process;
    private final int port;

    private BrokerProcess(ServiceProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code java <flags> -cp <this jar> dev.affixo.local.BrokerProcess DIR PORT} and waits until it answers. */
    static BrokerProcess start(Path dir, int port, Path logs, Duration timeout) throws InterruptedException {
        List<String> launch = List.of("-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                dir.toAbsolutePath().toString(), Integer.toString(port));
        BrokerProcess broker = new BrokerProcess(
                ServiceProcess.start("kafka", JVM_FLAGS, launch, ServiceProcess.Ports.shared(port), Map.of(), logs),
                port);
        try {
            broker.awaitReady(timeout);
            return broker;
        } catch (InterruptedException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
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

    /** The child: runs the broker on {@code DIR PORT} until SIGTERM. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: BrokerProcess <log dir> <port>");
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
