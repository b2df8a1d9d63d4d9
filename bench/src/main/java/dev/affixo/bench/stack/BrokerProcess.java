package dev.affixo.bench.stack;

import dev.affixo.infra.EmbeddedKafka;
import dev.affixo.infra.process.ServiceProcess;
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
 * The benchmark's Kafka broker, in a JVM of its own: the same single-node KRaft broker the tests use, but
 * not inside the benchmark's JVM, so the load generator's allocations and collections never pause the
 * broker in the middle of an ingest measurement (a young collection stops every thread of a JVM).
 */
public final class BrokerProcess implements AutoCloseable {

    /** Fixed, like the services' flags, so runs compare; printed in the report's header. */
    public static final List<String> JVM_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC");

    private final ServiceProcess process;
    private final int port;
    private final BrokerMetrics metrics;

    private BrokerProcess(ServiceProcess process, int port, BrokerMetrics metrics) {
        this.process = process;
        this.port = port;
        this.metrics = metrics;
    }

    /**
     * {@code launch} starts this same program in {@code kafka-broker} mode with {@code dir} and {@code port};
     * its produce request metrics are readable over JMX on 127.0.0.1:{@code jmxPort} ({@link #metrics()}).
     */
    public static BrokerProcess start(List<String> launch, int port, int jmxPort, Path logDir, Duration timeout)
            throws InterruptedException {
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        flags.addAll(BrokerMetrics.jvmFlags(jmxPort));
        BrokerProcess broker = new BrokerProcess(
                ServiceProcess.start("kafka-broker", flags, launch, ServiceProcess.Ports.shared(port), Map.of(), logDir),
                port, new BrokerMetrics(jmxPort));
        try {
            broker.awaitReady(timeout);
            return broker;
        } catch (InterruptedException | RuntimeException e) {
            broker.close(); // not registered for cleanup yet: a 1 GB JVM must not outlive the run
            throw e;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker's produce request metrics (JMX). */
    public BrokerMetrics metrics() {
        return metrics;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
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

    @Override
    public void close() throws InterruptedException {
        try {
            metrics.close();
        } catch (java.io.IOException ignored) {
            // the broker is going away anyway
        }
        process.close();
    }

    /**
     * The child's side ({@code affixo-bench.jar kafka-broker DIR PORT}): runs the broker until SIGTERM, which
     * shuts it down cleanly through the shutdown hook.
     */
    public static void runBroker(String[] args) throws InterruptedException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: kafka-broker <log dir> <port>");
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
