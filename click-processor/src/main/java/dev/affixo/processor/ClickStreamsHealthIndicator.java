package dev.affixo.processor;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** UP while the streams client is running or rebalancing; part of readiness. */
final class ClickStreamsHealthIndicator implements HealthIndicator {

    private final ClickStreams streams;

    ClickStreamsHealthIndicator(ClickStreams streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = streams.state();
        Health.Builder health = state.isRunningOrRebalancing() ? Health.up() : Health.down();
        return health.withDetail("state", state.name()).build();
    }
}
