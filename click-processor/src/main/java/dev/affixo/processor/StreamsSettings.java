package dev.affixo.processor;

import dev.affixo.processor.config.ProcessorProperties;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams configuration: our defaults, then whatever {@code spring.kafka.*} says, then the few
 * settings correctness depends on, which nothing overrides.
 */
public final class StreamsSettings {

    /**
     * Rows are written inside the commit, while the EOS transaction is open; a write that retries for
     * {@code writeRetryBudget} (default 5 s, each attempt bounded by the pool's 2 s connection timeout) must
     * finish well inside the transaction timeout or the broker aborts the transaction and fences the task.
     */
    static final int TRANSACTION_TIMEOUT_MS = 30_000;

    /**
     * Backoff of the Streams producer's retries. Under transactions v2 the first record of a transaction to a partition
     * whose previous transaction's markers are still being written is answered {@code CONCURRENT_TRANSACTIONS} and
     * retried after {@code retry.backoff.ms} (default 100 ms, growing to 1 s), and the next commit's flush waits for it:
     * on a busy broker a click waited that long at the repartition hop. The client itself uses 20 ms for the same
     * error in {@code AddPartitionsToTxn} (KAFKA-5477). Real broker trouble still backs off exponentially to
     * {@code retry.backoff.max.ms} (1 s).
     */
    static final int PRODUCER_RETRY_BACKOFF_MS = 20;

    private StreamsSettings() {
    }

    /** {@code <tmp>/affixo-streams/<pid>}: per process; in a container (pid 1) it is stable across restarts. */
    static String defaultStateDir() {
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "affixo-streams",
                Long.toString(ProcessHandle.current().pid())).toString();
    }

    public static Properties build(ProcessorProperties props, Map<String, ?> kafkaStreamsProperties) {
        Properties config = new Properties();
        config.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), TRANSACTION_TIMEOUT_MS);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), PRODUCER_RETRY_BACKOFF_MS);
        config.putAll(kafkaStreamsProperties);

        // Two instances on one host with the identical environment must not share a state directory (Streams
        // locks it and keeps a process id in it): unless told otherwise, each process gets its own.
        config.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, defaultStateDir());
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, props.applicationId());
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, props.replicationFactor());
        config.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, props.standbyReplicas());
        config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        return config;
    }
}
