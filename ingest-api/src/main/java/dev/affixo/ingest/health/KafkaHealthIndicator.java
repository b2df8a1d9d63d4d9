package dev.affixo.ingest.health;

import dev.affixo.ingest.config.IngestProperties;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Readiness: the API is only useful when it can publish, so it is ready only while the broker answers
 * and the accepted-clicks topic exists. Non-blocking (the admin client's futures), bounded by a timeout.
 */
@Component("kafka")
class KafkaHealthIndicator implements ReactiveHealthIndicator, DisposableBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final AdminClient admin;
    private final String topic;

    KafkaHealthIndicator(KafkaAdmin kafkaAdmin, IngestProperties properties) {
        this.admin = AdminClient.create(kafkaAdmin.getConfigurationProperties());
        this.topic = properties.acceptedTopic();
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromFuture(admin.describeTopics(java.util.List.of(topic),
                                new DescribeTopicsOptions().timeoutMs((int) TIMEOUT.toMillis()))
                        .allTopicNames().toCompletionStage().toCompletableFuture())
                .map(topics -> Health.up().withDetails(Map.of("topic", topic,
                        "partitions", topics.get(topic).partitions().size())).build())
                .timeout(TIMEOUT)
                .onErrorResume(e -> Mono.just(Health.down().withDetail("topic", topic)
                        .withDetail("error", e.toString()).build()));
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
