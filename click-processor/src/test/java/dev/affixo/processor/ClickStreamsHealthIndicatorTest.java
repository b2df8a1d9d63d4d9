package dev.affixo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class ClickStreamsHealthIndicatorTest {

    @Test
    void readyOnlyWhileRunning() {
        assertThat(ClickStreamsHealthIndicator.health(State.RUNNING, 3, Optional.empty()).getStatus())
                .isEqualTo(Status.UP);
        assertThat(ClickStreamsHealthIndicator.health(State.REBALANCING, 0, Optional.empty()).getStatus())
                .isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(ClickStreamsHealthIndicator.health(State.CREATED, 0, Optional.empty()).getStatus())
                .isEqualTo(Status.OUT_OF_SERVICE);
        for (State stopped : new State[] {State.PENDING_SHUTDOWN, State.NOT_RUNNING, State.PENDING_ERROR, State.ERROR}) {
            assertThat(ClickStreamsHealthIndicator.health(stopped, 0, Optional.empty()).getStatus())
                    .as(stopped.name()).isEqualTo(Status.DOWN);
        }
    }

    @Test
    void detailsSayStateTasksAndWhyItStopped() {
        Health health = ClickStreamsHealthIndicator.health(State.NOT_RUNNING, 0, Optional.of("partitions shrank"));

        assertThat(health.getDetails()).containsEntry("state", "NOT_RUNNING").containsEntry("activeTasks", 0)
                .containsEntry("reason", "partitions shrank");
    }
}
