package dev.affixo.ingest.publish;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.metrics.IngestMetrics;
import dev.affixo.ingest.tracing.PublishSpan;
import dev.affixo.ingest.tracing.RequestSpan;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
 * <p>{@code send} is called on the request's own thread, so it must never wait: the producer runs with
 * {@code max.block.ms=0} (checked at start). It then either appends the record to its bounded buffer at
 * once, or throws at once — no topic metadata yet, or the buffer full because the broker is not taking
 * records — and the click is answered 503. The broker's acknowledgement arrives on the producer's I/O
 * thread; the rest of the request (the reply) is handed back to {@code replyOn}, the request's event
 * loop, so that one thread never serialises the replies of every request.
 */
@Component
public class ClickPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ClickPublisher.class);
    private static final Duration WARM_UP = Duration.ofSeconds(10);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final IngestMetrics metrics;

    public ClickPublisher(ProducerFactory<String, byte[]> producerFactory, IngestProperties properties,
                          IngestMetrics metrics) {
        Object maxBlock = producerFactory.getConfigurationProperties().get(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        if (maxBlock == null || Long.parseLong(maxBlock.toString()) != 0) {
            throw new IllegalStateException("the click producer needs max.block.ms=0: send() runs on event-loop "
                    + "threads and must never wait (found " + maxBlock + ")");
        }
        this.metrics = metrics;
        this.producer = producerFactory.createProducer();
        this.topic = properties.acceptedTopic();
    }

    /**
     * Completes empty on {@code replyOn} once Kafka acknowledged the event; fails with a 503
     * {@link ApiException} when the producer refuses it or Kafka does not acknowledge it. A click of a traced
     * request is sent under a producer span whose context the record carries in its headers; any other record has
     * no header at all (docs/tracing.md).
     */
    public Mono<Void> publish(ClickEvent event, Executor replyOn, RequestSpan span) {
        return Mono.create(sink -> send(event, replyOn, span, failure -> {
            if (failure == null) {
                sink.success();
            } else {
                sink.error(failure);
            }
        }));
    }

    /**
     * As {@link #publish}, for the single-click path: {@code answered} is called once on {@code replyOn} with null
     * once Kafka acknowledged the event, or with the 503 to answer. A refusal is also reported through
     * {@code answered}, before this returns.
     */
    public void send(ClickEvent event, Executor replyOn, RequestSpan span, Consumer<ApiException> answered) {
        long start = System.nanoTime();
        PublishSpan traced = span.publishing(topic, event.eventId());
        try {
            producer.send(new ProducerRecord<>(topic, null, event.receivedAt().toEpochMilli(), event.recordKey(),
                    ClickEventCodec.encode(event), traced == null ? null : traced.headers()), (metadata, error) -> {
                        if (traced != null) {
                            traced.acknowledged(metadata, error);
                        }
                        if (error == null) {
                            metrics.publishAcknowledged(start);
                        } else {
                            metrics.publishFailed(start);
                        }
                        complete(answered, error, replyOn);
                    });
        } catch (RuntimeException refused) {
            if (traced != null) {
                traced.acknowledged(null, refused);
            }
            metrics.publishFailed(start);
            answered.accept(ApiException.unavailable(refused));
        }
    }

    private static void complete(Consumer<ApiException> answered, Exception error, Executor replyOn) {
        Runnable completion = error == null ? () -> answered.accept(null)
                : () -> answered.accept(ApiException.unavailable(error));
        try {
            replyOn.execute(completion);
        } catch (RejectedExecutionException shuttingDown) {
            completion.run();
        }
    }

    /**
     * Fetches the topic's metadata before the API reports ready, so the first clicks are not refused for
     * the lack of it: with {@code max.block.ms=0} each call only asks the producer's I/O thread for the
     * metadata, so this polls until it is there.
     */
    public void warmUp() throws InterruptedException {
        long deadline = System.nanoTime() + WARM_UP.toNanos();
        while (true) {
            try {
                producer.partitionsFor(topic);
                return;
            } catch (RuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    log.warn("no metadata of {} within {}: clicks get 503 until the broker answers ({})",
                            topic, WARM_UP, notYet.toString());
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /** Shutdown, after the web server stopped taking requests: wait for every in-flight record's answer. */
    @Override
    public void destroy() {
        producer.flush();
        producer.close(Duration.ofSeconds(10));
    }
}
