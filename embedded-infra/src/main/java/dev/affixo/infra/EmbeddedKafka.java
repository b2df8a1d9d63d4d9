package dev.affixo.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, in-process, single-node Apache Kafka broker in KRaft mode (combined broker + controller).
 *
 * <p>The log directory survives {@link #stop()} / {@link #restart()} (and JVM restarts, if the caller
 * keeps the directory), and the broker keeps its port, so clients simply reconnect after a restart.
 * Supports consumer groups and transactions (replication factor / min ISR of the internal topics are 1).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path logDir, int port, int controllerPort) {
        this.logDir = logDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * Starts a single-node KRaft broker+controller. {@code logDir} is kept across stop()/restart();
     * {@code port} 0 = pick a free port once, then keep it.
     */
    public static EmbeddedKafka start(Path logDir, int port) {
        Path dir = logDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Kafka log dir " + dir, e);
        }
        int brokerPort = port == 0 ? FreePorts.pick() : port;
        int ctrlPort = FreePorts.pickOtherThan(brokerPort);
        EmbeddedKafka kafka = new EmbeddedKafka(dir, brokerPort, ctrlPort);
        kafka.doStart();
        return kafka;
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** Shuts the broker down (simulates an outage); the data in the log dir is kept. */
    public synchronized void stop() {
        KafkaRaftServer s = server;
        if (s == null) {
            return;
        }
        server = null;
        long t0 = System.nanoTime();
        try {
            s.shutdown();
            s.awaitShutdown();
        } finally {
            LOG.info("Embedded Kafka on {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** Starts the broker again on the SAME port and log dir (clients reconnect). No-op if running. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka is closed");
        }
        if (server == null) {
            doStart();
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker; idempotent. The log dir is left in place (the caller owns it). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
    }

    public Path logDir() {
        return logDir;
    }

    public int port() {
        return port;
    }

    private synchronized void doStart() {
        long t0 = System.nanoTime();
        formatIfNeeded();
        KafkaConfig config = new KafkaConfig(brokerConfig(), false);
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            try {
                s.shutdown();
                s.awaitShutdown();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("Embedded Kafka failed to start on " + bootstrapServers(), e);
        }
        server = s;
        LOG.info("Embedded Kafka (KRaft) started on {} (controller port {}, log dir {}) in {} ms",
                bootstrapServers(), controllerPort, logDir, (System.nanoTime() - t0) / 1_000_000);
    }

    private Map<String, Object> brokerConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());

        // single node: internal topics with RF 1 / min ISR 1, few partitions (fast startup)
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");

        // keep the footprint small (2 cores, shared JVM heap with the application under test)
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.cleaner.io.buffer.size", String.valueOf(256 * 1024));
        return p;
    }

    private void formatIfNeeded() {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // already formatted: reuse data
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setHasDynamicQuorum(false) // static controller.quorum.voters
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka storage in " + logDir, e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", logDir=" + logDir + ", running=" + isRunning() + "]";
    }
}
