package dev.affixo.processor;

import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.deadletter.DeadLetterMetrics;
import dev.affixo.processor.sink.RetryingRowWriter;
import dev.affixo.processor.sink.RowWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * Owns the one {@link KafkaStreams} instance: builds it from the topology, starts and closes it.
 *
 * <p>Plain on purpose — no Spring — so the integration tests run exactly this against real Kafka and
 * PostgreSQL, and can close it and start a second instance with the same application id.
 */
public final class ClickStreams implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Topology topology;
    private final Properties config;
    private final Duration threadRestartBackoff;
    private final MeterRegistry meterRegistry;
    private KafkaStreams streams;
    private KafkaStreamsMetrics metrics;

    public ClickStreams(ProcessorProperties props, Properties config, RowWriter writer, MeterRegistry meterRegistry) {
        RowWriter retrying = new RetryingRowWriter(writer, props.writeRetryBudget());
        this.topology = new ClickTopology(props, retrying, Clock.systemUTC(), DeadLetterMetrics.of(meterRegistry))
                .build();
        this.config = config;
        this.threadRestartBackoff = props.threadRestartBackoff();
        this.meterRegistry = meterRegistry;
    }

    public synchronized void start() {
        if (streams != null) {
            return;
        }
        streams = new KafkaStreams(topology, config);
        streams.setUncaughtExceptionHandler(new ReplaceThreadOnFailure(threadRestartBackoff));
        if (meterRegistry != null) {
            metrics = new KafkaStreamsMetrics(streams);
            metrics.bindTo(meterRegistry);
        }
        streams.start();
    }

    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
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

    @Override
    public synchronized void close() {
        close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT));
    }

    /** Closes and leaves the consumer group at once, so the group can be deleted (a finished replay). */
    public synchronized void closeAndLeaveGroup() {
        close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(true));
    }

    private void close(KafkaStreams.CloseOptions options) {
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
