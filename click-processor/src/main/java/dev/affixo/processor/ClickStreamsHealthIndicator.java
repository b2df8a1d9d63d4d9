package dev.affixo.processor;

import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Part of readiness: UP only while the streams client is RUNNING, i.e. its partitions are assigned and its tasks
 * consume. A processor that says "ready" while its first rebalance is still going makes a newcomer's first click
 * take many seconds to show up, and lets a rolling update stop the next instance before this one took over;
 * so REBALANCING (and not yet started) is OUT_OF_SERVICE, and a stopped or failed client is DOWN, with the reason
 * (and what to do) in the {@code reason} detail when the partition guard stopped it. Liveness does not include
 * this: a rebalance is no reason to restart.
 */
final class ClickStreamsHealthIndicator implements HealthIndicator {

    private final ClickStreams streams;

    ClickStreamsHealthIndicator(ClickStreams streams) {
        this.streams = streams;
    }

    @Override
    public Health health() {
        return health(streams.state(), streams.activeTasks(), streams.stoppedBecause());
    }

    static Health health(KafkaStreams.State state, int activeTasks, Optional<String> stoppedBecause) {
        Health.Builder health = switch (state) {
            case RUNNING -> Health.up();
            case CREATED, REBALANCING -> Health.outOfService();
            default -> Health.down();
        };
        health.withDetail("state", state.name()).withDetail("activeTasks", activeTasks);
        stoppedBecause.ifPresent(reason -> health.withDetail("reason", reason));
        return health.build();
    }
}
