package dev.affixo.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.common.Topics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessorPropertiesTest {

    @Test
    void bindingNothingGivesTheAnnotatedDefaults() {
        ProcessorProperties p = ProcessorProperties.bind(Map.of());

        assertThat(p.acceptedTopic()).isEqualTo(Topics.ACCEPTED_CLICKS);
        assertThat(p.deadLetterTopic()).isEqualTo(Topics.DEAD_LETTERS);
        assertThat(p.applicationId()).isEqualTo("affixo-click-processor");
        assertThat(p.dedupWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(p.seenEventRetention()).isEqualTo(Duration.ofHours(24));
        assertThat(p.maxBatchRows()).isEqualTo(1000);
        assertThat(p.replicationFactor()).isEqualTo(-1);
        assertThat(p.standbyReplicas()).isZero();
        assertThat(p.writeRetryBudget()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.threadRestartBackoff()).isEqualTo(Duration.ofSeconds(1));
    }

    /** The hand-written copy this replaced reset standby replicas to 0 under another application id. */
    @Test
    void replacingOneSettingKeepsEveryOtherOneIncludingStandbyReplicas() {
        ProcessorProperties live = ProcessorProperties.bind(Map.of("accepted-topic", "a", "dead-letter-topic", "d",
                "application-id", "live", "dedup-window", "PT5M", "seen-event-retention", "PT6M",
                "max-batch-rows", "7", "replication-factor", "3", "standby-replicas", "2",
                "write-retry-budget", "PT9S", "thread-restart-backoff", "PT0S"));

        ProcessorProperties replay = live.with(Map.of("application-id", "live-replay-1"));

        assertThat(replay.applicationId()).isEqualTo("live-replay-1");
        assertThat(replay).usingRecursiveComparison().ignoringFields("applicationId").isEqualTo(live);
        assertThat(replay.standbyReplicas()).isEqualTo(2);
    }

    @Test
    void aReplacedSettingIsValidatedAgain() {
        ProcessorProperties p = ProcessorProperties.bind(Map.of());

        assertThatThrownBy(() -> p.with(Map.of("dedup-window", "P8D")))
                .rootCause().hasMessage("affixo.processor: seenEventRetention must be at least dedupWindow");
    }
}
