package dev.affixo.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.common.Topics;
import dev.affixo.processor.partitions.PartitionPeriod;
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
        assertThat(p.clickRetention()).isNull();
        assertThat(p.clickPartitionPeriod()).isEqualTo(PartitionPeriod.MONTH);
        assertThat(p.clickPartitionsAhead()).isEqualTo(2);
        assertThat(p.velocityMaxPerMinute()).isEqualTo(30);
        assertThat(p.userAgentCacheSize()).isEqualTo(100_000);
    }

    /** Unset means "keep every click"; carried over as unset, not as the text "null". */
    @Test
    void anUnsetRetentionStaysUnsetWhenAnotherSettingIsReplacedAndASetOneIsKept() {
        ProcessorProperties keepAll = ProcessorProperties.bind(Map.of());
        assertThat(keepAll.with(Map.of("application-id", "x")).clickRetention()).isNull();

        ProcessorProperties trimmed = ProcessorProperties.bind(Map.of("click-retention", "P400D",
                "click-partition-period", "day"));
        assertThat(trimmed.with(Map.of("application-id", "x")))
                .usingRecursiveComparison().ignoringFields("applicationId").isEqualTo(trimmed);
        assertThat(trimmed.clickRetention()).isEqualTo(Duration.ofDays(400));
        assertThat(trimmed.clickPartitionPeriod()).isEqualTo(PartitionPeriod.DAY);
        assertThatThrownBy(() -> ProcessorProperties.bind(Map.of("click-retention", "PT0S")))
                .rootCause().hasMessage("affixo.processor: clickRetention must be positive (or unset)");
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
