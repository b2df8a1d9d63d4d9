package dev.affixo.processor;

import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.erasure.ErasureFeed;
import dev.affixo.processor.deadletter.DeadLetterMetrics;
import dev.affixo.processor.sink.RetryingRowWriter;
import dev.affixo.processor.sink.RowWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the one {@link KafkaStreams} instance: builds it from the topology, starts and closes it.
 *
 * <p>Plain on purpose — no Spring — so the integration tests run exactly this against real Kafka and
 * PostgreSQL, and can close it and start a second instance with the same application id.
 *
 * <p>The {@link PartitionGuard} runs before the client starts (a mismatch refuses the start) and then every
 * {@code partitionCheckInterval} on its own thread, which closes the client on a mismatch: a processor whose
 * topic grew under it must stop, not match against the wrong state.
 */
public final class ClickStreams implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClickStreams.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Producers re-hash keys as soon as they see new partitions, so the sooner the better; 30 s costs one describe. */
    public static final Duration PARTITION_CHECK_INTERVAL = Duration.ofSeconds(30);

    private final Topology topology;
    private final Properties config;
    private final Duration threadRestartBackoff;
    private final MeterRegistry meterRegistry;
    private final PartitionGuard guard;
    private final Duration partitionCheckInterval;
    private KafkaStreams streams;
    private KafkaStreamsMetrics metrics;
    /** Read by the guard thread; set and cleared under this object's lock. */
    private volatile Admin admin;
    private ScheduledExecutorService guardThread;
    private volatile String stoppedBecause;

    public ClickStreams(ProcessorProperties props, Properties config, RowWriter writer, MeterRegistry meterRegistry) {
        this(props, config, writer, meterRegistry, PARTITION_CHECK_INTERVAL);
    }

    public ClickStreams(ProcessorProperties props, Properties config, RowWriter writer, MeterRegistry meterRegistry,
                        Duration partitionCheckInterval) {
        this(props, config, writer, meterRegistry, partitionCheckInterval, ErasureFeed.NONE);
    }

    /** @param erasures completed erasures, purged from matching's state (docs/privacy.md) */
    public ClickStreams(ProcessorProperties props, Properties config, RowWriter writer, MeterRegistry meterRegistry,
                        Duration partitionCheckInterval, ErasureFeed erasures) {
        this(props, config, writer, meterRegistry, partitionCheckInterval, erasures, UnaryOperator.identity());
    }

    /**
     * @param around put around the retrying writer, e.g. {@code TracedRowWriter}: outside the retries, so one span
     *               covers a write with all its attempts and their log lines
     */
    public ClickStreams(ProcessorProperties props, Properties config, RowWriter writer, MeterRegistry meterRegistry,
                        Duration partitionCheckInterval, ErasureFeed erasures, UnaryOperator<RowWriter> around) {
        this.guard = new PartitionGuard(props.acceptedTopic(), props.applicationId());
        this.partitionCheckInterval = partitionCheckInterval;
        RowWriter retrying = around.apply(new RetryingRowWriter(writer, props.writeRetryBudget()));
        this.topology = new ClickTopology(props, retrying, Clock.systemUTC(), DeadLetterMetrics.of(meterRegistry),
                erasures).build();
        this.config = config;
        this.threadRestartBackoff = props.threadRestartBackoff();
        this.meterRegistry = meterRegistry;
    }

    /**
     * @throws IllegalStateException when the accepted-clicks topic is missing or its partition count differs from
     *                               the one this application id's state was built for (the message says what to do)
     */
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        Admin client = Admin.create(new StreamsConfig(config).getAdminConfigs("partition-guard"));
        Optional<String> problem;
        try {
            // fails closed: a processor that cannot ask Kafka about its topic does not start either
            problem = guard.problem(client);
        } catch (RuntimeException e) {
            client.close(Duration.ofSeconds(2));
            throw e;
        }
        if (problem.isPresent()) {
            client.close(Duration.ofSeconds(2));
            throw new IllegalStateException(problem.get());
        }
        admin = client;
        stoppedBecause = null;
        streams = new KafkaStreams(topology, config);
        streams.setUncaughtExceptionHandler(new ReplaceThreadOnFailure(threadRestartBackoff));
        if (meterRegistry != null) {
            metrics = new KafkaStreamsMetrics(streams);
            metrics.bindTo(meterRegistry);
        }
        streams.start();
        guardThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "partition-guard");
            t.setDaemon(true);
            return t;
        });
        long every = partitionCheckInterval.toMillis();
        guardThread.scheduleWithFixedDelay(this::checkPartitions, every, every, TimeUnit.MILLISECONDS);
    }

    /** Why the guard stopped this client, if it did; readiness reports it. */
    public Optional<String> stoppedBecause() {
        return Optional.ofNullable(stoppedBecause);
    }

    /** On the guard's own thread, never a stream thread: closing a client from its own thread would deadlock. */
    private void checkPartitions() {
        Admin current = admin;
        if (current == null) {
            return;
        }
        Optional<String> problem;
        try {
            problem = guard.problem(current);
        } catch (RuntimeException notNow) {
            log.debug("partition count not checked: {}", notNow.toString());
            return;
        }
        if (problem.isPresent()) {
            log.error("Stopping the click processor: {}", problem.get());
            synchronized (this) {
                stoppedBecause = problem.get();
                close();
            }
        }
    }

    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    /** Active tasks this instance runs now (0 while stopped or before its first assignment). */
    public synchronized int activeTasks() {
        if (streams == null) {
            return 0;
        }
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    /**
     * Whether a task of this instance still holds rows that are not in PostgreSQL, or it cannot tell right now
     * (during a rebalance). A caught-up consumer group alone does not mean the rows are stored: they may still be
     * pending, committed only in the changelog. Asks {@code all().hasNext()} through interactive queries, which
     * sees the store's cache too; {@code approximateNumEntries()} would miss rows held there.
     */
    public synchronized boolean hasPendingRows() {
        if (streams == null) {
            return false;
        }
        try {
            return hasRows(ClickTopology.PENDING_CLICK_ROWS) || hasRows(ClickTopology.PENDING_ALIAS_ROWS);
        } catch (InvalidStateStoreException notQueryableNow) {
            return true;
        }
    }

    private boolean hasRows(String store) {
        try (KeyValueIterator<Object, Object> rows = streams.store(
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore())).all()) {
            return rows.hasNext();
        }
    }

    /**
     * Closes, and leaves the consumer group if this instance is a static member ({@code group.instance.id} set, as
     * the StatefulSet does with the pod's name): its partitions then move to the other instances at once, instead
     * of after {@code session.timeout.ms} (45 s): a scale-down, a drain or a rolling restart hands over immediately,
     * and a finished replay's group is empty at once, so it can be deleted. In Kafka Streams 4.1 {@code leaveGroup(true)} removes static members only (through
     * the admin client, one per stream thread: Streams names them {@code <group.instance.id>-<thread index>}); a
     * dynamic member stays in the group until its session expires, whatever is asked. Why always leave, even on a
     * rolling restart whose pod would come back within the session: docs/click-processor.md, "How long a failover
     * takes".
     */
    @Override
    public synchronized void close() {
        close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true));
    }

    private void close(KafkaStreams.CloseOptions options) {
        if (guardThread != null) {
            guardThread.shutdown(); // not shutdownNow: this may run on that very thread
            guardThread = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
        if (streams == null) {
            return;
        }
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        streams.close(options);
        streams = null;
    }
}
