package dev.affixo.processor;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP while the streams client is running or rebalancing; part of readiness. When the partition guard stopped
 * the client, the reason (and what to do) is in the {@code reason} detail.
 */
final class ClickStreamsHealthIndicator implements HealthIndicator {

    private final ClickStreams streams;

    ClickStreamsHealthIndicator(ClickStreams streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = streams.state();
        Health.Builder health = state.isRunningOrRebalancing() ? Health.up() : Health.down();
        health.withDetail("state", state.name());
        streams.stoppedBecause().ifPresent(reason -> health.withDetail("reason", reason));
        return health.build();
    }
}
