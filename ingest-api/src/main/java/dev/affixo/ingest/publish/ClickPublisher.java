package dev.affixo.ingest.publish;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.metrics.IngestMetrics;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Publishes accepted clicks with one shared idempotent producer and completes when the broker has
 * acknowledged the record ({@code acks=all}), which is the only moment the API may answer 200.
 *
 * <p>{@code KafkaProducer.send} can block (waiting for metadata, or for buffer space when the broker is
 * unreachable), so it is never called on an event-loop thread: sends go through one dedicated thread
 * with a bounded queue. A full queue or a producer error fails the click at once with 503; the broker's
 * acknowledgement arrives on the producer's I/O thread.
 */
@Component
public class ClickPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ClickPublisher.class);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final ThreadPoolExecutor sendThread;
    private final IngestMetrics metrics;

    public ClickPublisher(ProducerFactory<String, byte[]> producerFactory, IngestProperties properties,
                          IngestMetrics metrics) {
        this.metrics = metrics;
        this.producer = producerFactory.createProducer();
        this.topic = properties.acceptedTopic();
        this.sendThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(properties.publishQueue()),
                r -> {
                    Thread t = new Thread(r, "click-publisher");
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Completes empty once Kafka acknowledged the event; fails with a 503 {@link ApiException} otherwise. */
    public Mono<Void> publish(ClickEvent event) {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(topic, null, event.receivedAt().toEpochMilli(), event.recordKey(),
                        ClickEventCodec.encode(event));
        return Mono.create(sink -> {
            long start = System.nanoTime();
            try {
                sendThread.execute(() -> {
                    try {
                        producer.send(record, (metadata, error) -> {
                            if (error == null) {
                                metrics.publishAcknowledged(start);
                                sink.success();
                            } else {
                                metrics.publishFailed(start);
                                sink.error(ApiException.unavailable(error));
                            }
                        });
                    } catch (RuntimeException e) {
                        metrics.publishFailed(start);
                        sink.error(ApiException.unavailable(e));
                    }
                });
            } catch (RejectedExecutionException e) {
                metrics.publishFailed(start);
                sink.error(ApiException.unavailable(e));
            }
        });
    }

    /** Fetches the topic's metadata once so the first request does not wait for it. */
    public void warmUp() {
        try {
            sendThread.submit(() -> producer.partitionsFor(topic)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not fetch metadata of {} at start: {}", topic, e.toString());
        }
    }

    public int queued() {
        return sendThread.getQueue().size();
    }

    /** Shutdown: let queued sends run, then wait for every in-flight record's acknowledgement. */
    @Override
    public void destroy() throws InterruptedException {
        sendThread.shutdown();
        sendThread.awaitTermination(10, TimeUnit.SECONDS);
        producer.flush();
        producer.close(Duration.ofSeconds(10));
    }
}
