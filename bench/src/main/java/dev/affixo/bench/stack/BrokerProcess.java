package dev.affixo.bench.stack;

import dev.affixo.infra.process.KafkaBrokerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmark's Kafka broker, in a JVM of its own ({@link KafkaBrokerProcess}): the same single-node KRaft broker
 * the tests use, but not inside the benchmark's JVM, so the load generator's allocations and collections never pause
 * the broker in the middle of an ingest measurement (a young collection stops every thread of a JVM). Its produce
 * request metrics are read over JMX on 127.0.0.1 ({@link #metrics()}).
 */
public final class BrokerProcess implements AutoCloseable {

    /** Fixed, like the services' flags, so runs compare; printed in the report's header. */
    public static final List<String> JVM_FLAGS = KafkaBrokerProcess.JVM_FLAGS;

    private final KafkaBrokerProcess broker;
    private final BrokerMetrics metrics;

    private BrokerProcess(KafkaBrokerProcess broker, BrokerMetrics metrics) {
        this.broker = broker;
        this.metrics = metrics;
    }

    /**
     * {@code launch} starts this same program in {@code kafka-broker} mode with {@code dir} and {@code port};
     * its produce request metrics are readable over JMX on 127.0.0.1:{@code jmxPort} ({@link #metrics()}).
     */
    public static BrokerProcess start(List<String> launch, int port, int jmxPort, Path logDir, Duration timeout)
            throws InterruptedException {
        KafkaBrokerProcess broker = KafkaBrokerProcess.start("kafka-broker", launch, BrokerMetrics.jvmFlags(jmxPort),
                port, logDir, timeout);
        return new BrokerProcess(broker, new BrokerMetrics(jmxPort));
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The broker's produce request metrics (JMX). */
    public BrokerMetrics metrics() {
        return metrics;
    }

    public long pid() {
        return broker.pid();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            metrics.close();
        } catch (java.io.IOException ignored) {
            // the broker is going away anyway
        }
        broker.close();
    }

    /** The child's side ({@code affixo-bench.jar kafka-broker DIR PORT}). */
    public static void runBroker(String[] args) throws InterruptedException {
        KafkaBrokerProcess.runBroker(args);
    }
}
