package dev.affixo.bench.processing;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.ClickKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics, the raw producer ceiling (baseline b) and the processing backlog, all on the embedded broker. */
public final class KafkaLoad {

    /** Hard cap on records per ceiling run, whatever the duration. */
    static final long MAX_CEILING_RECORDS = 20_000_000L;

    private final String bootstrapServers;

    public KafkaLoad(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** {@link #createTopic}, unless it exists already (a phase that may run with or without the ingest phase). */
    public void ensureTopic(String name, int partitions) throws Exception {
        try {
            createTopic(name, partitions);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw e;
            }
        }
    }

    /** The ingest API's producer settings (application.yml), so the ceiling is the ceiling of that client. */
    Properties apiProducerSettings() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "snappy");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 33554432L);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    public record CeilingResult(long acked, long failed, double seconds, double avgValueBytes) {
        public double rps() {
            return seconds > 0 ? acked / seconds : 0;
        }
    }

    /**
     * Baseline (b): records from a pool of encoded click events, sent as fast as the producer accepts them
     * for {@code duration}; the clock stops when every ack is in (flush).
     */
    public CeilingResult producerCeiling(String topic, Duration duration, ClickEvents events) {
        int poolSize = 10_000;
        String[] keys = new String[poolSize];
        byte[][] values = new byte[poolSize][];
        long valueBytes = 0;
        for (int i = 0; i < poolSize; i++) {
            ClickEvent e = events.next(Instant.now());
            keys[i] = ClickKeys.recordKey(e);
            values[i] = ClickEventCodec.encode(e);
            valueBytes += values[i].length;
        }
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(apiProducerSettings())) {
            for (long i = 0; i < MAX_CEILING_RECORDS && System.nanoTime() < end; i++) {
                int k = (int) (i % poolSize);
                // send() blocks when buffer.memory is full: that is the backpressure that bounds in-flight data.
                producer.send(new ProducerRecord<>(topic, keys[k], values[k]), (md, ex) -> {
                    if (ex == null) {
                        acked.increment();
                    } else {
                        failed.increment();
                    }
                });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new CeilingResult(acked.sum(), failed.sum(), seconds, (double) valueBytes / poolSize);
    }

    /** Writes {@code count} click events straight to {@code topic}; returns when all are acknowledged. */
    public double produceBacklog(String topic, long count, ClickEvents events) {
        Instant base = Instant.now();
        // ~1 ms apart in event time, like a steady stream, ending about now.
        return produce(topic, count, i -> events.next(base.minusMillis(count - i)));
    }

    /**
     * Writes {@code count} events, the i-th being {@code eventAt.apply(i)}, straight to {@code topic}, as fast as
     * the producer takes them; returns the seconds until all are acknowledged.
     */
    public double produce(String topic, long count, LongFunction<ClickEvent> eventAt) {
        Properties p = apiProducerSettings();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 262144);
        // Filling a fresh topic as fast as possible on a loaded machine, an idempotent producer can retry a
        // batch the broker already appended and be refused with OutOfOrderSequence forever. Without
        // idempotence such a retry is at worst a duplicate record, which the processor stores once
        // (event_id is the primary key), so the row count still reaches exactly the backlog.
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (long i = 0; i < count && failure.get() == null; i++) {
                ClickEvent e = eventAt.apply(i);
                producer.send(new ProducerRecord<>(topic, null, e.receivedAt().toEpochMilli(), ClickKeys.recordKey(e),
                        ClickEventCodec.encode(e)), (md, ex) -> {
                            if (ex != null) {
                                failure.compareAndSet(null, ex);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("backlog not written", failure.get());
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
