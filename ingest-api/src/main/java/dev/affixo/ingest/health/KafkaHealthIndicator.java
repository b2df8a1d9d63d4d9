package dev.affixo.ingest.health;

import dev.affixo.ingest.config.IngestProperties;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Readiness: the API is only useful when it can publish, so it is ready only while the broker answers
 * and the accepted-clicks topic exists. Non-blocking (the admin client's futures), bounded by a timeout.
 * The API never creates the topic, so a missing one keeps readiness DOWN (not a crash) and is logged once
 * per absence with the command that creates it.
 */
@Component("kafka")
class KafkaHealthIndicator implements ReactiveHealthIndicator, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaHealthIndicator.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final AdminClient admin;
    private final String topic;
    private final AtomicBoolean missingReported = new AtomicBoolean();

    KafkaHealthIndicator(KafkaAdmin kafkaAdmin, IngestProperties properties) {
        this.admin = AdminClient.create(kafkaAdmin.getConfigurationProperties());
        this.topic = properties.acceptedTopic();
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromFuture(admin.describeTopics(java.util.List.of(topic),
                                new DescribeTopicsOptions().timeoutMs((int) TIMEOUT.toMillis()))
                        .allTopicNames().toCompletionStage().toCompletableFuture())
                .map(topics -> {
                    missingReported.set(false);
                    return Health.up().withDetails(Map.of("topic", topic,
                            "partitions", topics.get(topic).partitions().size())).build();
                })
                .timeout(TIMEOUT)
                .onErrorResume(e -> Mono.just(down(e)));
    }

    /** Checked once at start too, so a missing topic is in the log before any probe asks. */
    @EventListener(ApplicationReadyEvent.class)
    void checkAtStart() {
        health().block();
    }

    private Health down(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof UnknownTopicOrPartitionException) {
            if (missingReported.compareAndSet(false, true)) {
                LOG.warn("topic {} does not exist; readiness stays DOWN until it does. Create it with "
                        + "`affixo-admin topics create --accepted-topic {} --partitions N --replication-factor R` "
                        + "(README, \"Topics\")", topic, topic);
            }
            return Health.down().withDetail("topic", topic).withDetail("error", "topic does not exist; create it "
                    + "with affixo-admin topics create").build();
        }
        return Health.down().withDetail("topic", topic).withDetail("error", e.toString()).build();
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
