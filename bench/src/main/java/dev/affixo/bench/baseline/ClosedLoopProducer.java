package dev.affixo.bench.baseline;

import dev.affixo.bench.load.LatencyRecorder;
import dev.affixo.bench.load.LoadResult;
import dev.affixo.bench.processing.ClickEvents;
import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.ClickKeys;
import dev.affixo.common.ClickOrigin;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Baseline (b′), the ceiling for "reply after ack": one producer with the ingest API's settings
 * (application.yml: {@code acks=all}, idempotence, snappy, {@code batch.size=65536}, {@code linger.ms=0}, 2 requests
 * in flight since session 8 (its runs that day used Kafka's default 5), 32 MB buffer), against the same broker, the same kind of topic (12 partitions) and the same records (encoded click
 * events without origin, as the ingest rows' bodies give the API, keyed as the API keys them). Closed loop:
 * exactly {@code inFlight} records are out at any time, each "request" being one send and the wait for its ack,
 * the next one sent as soon as an ack is back — what the API does for {@code inFlight} concurrent clicks,
 * without HTTP, JSON, auth or lookup. Latency = send() → ack.
 *
 * <p>One difference: the API sends with {@code max.block.ms=0} (its event loop must never wait); here the
 * default, so the first send waits for metadata instead of failing. After that nothing blocks: the buffer
 * never holds more than {@code inFlight} records.
 */
public final class ClosedLoopProducer implements AutoCloseable {

    private static final int POOL = 10_000;

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String[] keys = new String[POOL];
    private final byte[][] values = new byte[POOL][];
    private final double avgValueBytes;
    private long sent;

    public ClosedLoopProducer(String bootstrapServers, String topic, ClickEvents events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "snappy");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 2);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 33554432L);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 4000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        long bytes = 0;
        for (int i = 0; i < POOL; i++) {
            // the ingest rows' bodies carry no ip or user_agent, so the API's events have no origin: same size
            ClickEvent e = events.next(Instant.now()).withOrigin(ClickOrigin.NONE);
            keys[i] = ClickKeys.recordKey(e);
            values[i] = ClickEventCodec.encode(e);
            bytes += values[i].length;
        }
        this.avgValueBytes = (double) bytes / POOL;
    }

    public double avgValueBytes() {
        return avgValueBytes;
    }

    /** {@code inFlight} concurrent send-and-wait-for-ack loops for {@code duration}; acks per second and latency. */
    public LoadResult run(String name, int inFlight, Duration duration) throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder();
        Semaphore slots = new Semaphore(inFlight);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(end - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                break;
            }
            int k = (int) (sent++ % POOL);
            long sentAt = System.nanoTime();
            try {
                producer.send(new ProducerRecord<>(topic, keys[k], values[k]), (md, ex) -> {
                    if (ex == null) {
                        recorder.ok(System.nanoTime() - sentAt);
                    } else {
                        recorder.failed(ex.getClass().getSimpleName());
                    }
                    slots.release();
                });
            } catch (RuntimeException refused) {
                // refused before the callback was registered: the slot would otherwise be lost for good
                recorder.failed(refused.getClass().getSimpleName());
                slots.release();
            }
        }
        // the requests still out finish (their acks count, as wrk counts the answers of its last requests)
        slots.tryAcquire(inFlight, 10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return LoadResult.of(name, inFlight, 0, recorder, seconds);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
