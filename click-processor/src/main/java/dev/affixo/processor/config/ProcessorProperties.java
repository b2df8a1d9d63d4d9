package dev.affixo.processor.config;

import dev.affixo.common.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The processor's own settings ({@code affixo.processor.*}, or env {@code AFFIXO_PROCESSOR_*}). Kafka client
 * settings are not here: they pass through {@code spring.kafka.*} untouched.
 *
 * @param acceptedTopic         topic the ingest API publishes accepted clicks to
 * @param deadLetterTopic       where unreadable or unprocessable records go, reason in headers
 * @param applicationId         Kafka Streams application id: consumer group, internal topic prefix
 * @param dedupWindow           repeat clicks of one visitor on one link within this of the last unique are duplicates
 * @param seenEventRetention    how long (stream time) an event id is remembered to drop a redelivered click
 * @param maxBatchRows          rows buffered per task before they are written ahead of the commit
 * @param fingerprintConfidence the confidence the API assigns to fingerprint matches (documentation only:
 *                              the processor stores what the API replied)
 * @param replicationFactor     replication of internal topics; -1 = broker default
 * @param standbyReplicas       warm standby copies of each task's state on other instances
 * @param writeRetryBudget      how long one batch write is retried before the task fails and is restarted
 * @param threadRestartBackoff  pause before a failed stream thread is replaced, so an outage is not a hot loop
 */
@ConfigurationProperties(ProcessorProperties.PREFIX)
public record ProcessorProperties(
        @DefaultValue(Topics.ACCEPTED_CLICKS) String acceptedTopic,
        @DefaultValue(Topics.DEAD_LETTERS) String deadLetterTopic,
        @DefaultValue("affixo-click-processor") String applicationId,
        @DefaultValue("PT1H") Duration dedupWindow,
        @DefaultValue("P7D") Duration seenEventRetention,
        @DefaultValue("1000") int maxBatchRows,
        @DefaultValue("0.8") double fingerprintConfidence,
        @DefaultValue("-1") int replicationFactor,
        @DefaultValue("0") int standbyReplicas,
        @DefaultValue("PT5S") Duration writeRetryBudget,
        @DefaultValue("PT1S") Duration threadRestartBackoff) {

    public static final String PREFIX = "affixo.processor";

    public ProcessorProperties {
        require(acceptedTopic != null && !acceptedTopic.isBlank(), "acceptedTopic must be set");
        require(deadLetterTopic != null && !deadLetterTopic.isBlank(), "deadLetterTopic must be set");
        require(!deadLetterTopic.equals(acceptedTopic), "deadLetterTopic must differ from acceptedTopic");
        require(applicationId != null && !applicationId.isBlank(), "applicationId must be set");
        require(isPositive(dedupWindow), "dedupWindow must be positive");
        require(isPositive(seenEventRetention) && seenEventRetention.compareTo(dedupWindow) >= 0,
                "seenEventRetention must be at least dedupWindow");
        require(maxBatchRows > 0, "maxBatchRows must be positive");
        require(fingerprintConfidence >= 0 && fingerprintConfidence <= 1, "fingerprintConfidence must be in [0, 1]");
        require(replicationFactor == -1 || replicationFactor > 0, "replicationFactor must be -1 or positive");
        require(standbyReplicas >= 0, "standbyReplicas must be >= 0");
        require(isPositive(writeRetryBudget), "writeRetryBudget must be positive");
        require(threadRestartBackoff != null && !threadRestartBackoff.isNegative(), "threadRestartBackoff must be >= 0");
    }

    /**
     * Binds settings named as in configuration, without the prefix ({@code "dedup-window" -> "PT10M"}), exactly as
     * Spring binds the environment: the defaults are the annotations above, so there is no second copy of them.
     */
    public static ProcessorProperties bind(Map<String, String> settings) {
        Map<String, String> prefixed = new HashMap<>();
        settings.forEach((name, value) -> prefixed.put(PREFIX + "." + name, value));
        return new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate(PREFIX, ProcessorProperties.class);
    }

    /** Defaults everywhere, with the given topics and application id (tests, tools). */
    public static ProcessorProperties defaults(String acceptedTopic, String deadLetterTopic, String applicationId) {
        return new ProcessorProperties(acceptedTopic, deadLetterTopic, applicationId, Duration.ofHours(1),
                Duration.ofDays(7), 1000, 0.8, -1, 0, Duration.ofSeconds(5), Duration.ofSeconds(1));
    }

    public ProcessorProperties withDedupWindow(Duration window) {
        return new ProcessorProperties(acceptedTopic, deadLetterTopic, applicationId, window,
                seenEventRetention.compareTo(window) >= 0 ? seenEventRetention : window, maxBatchRows,
                fingerprintConfidence, replicationFactor, standbyReplicas, writeRetryBudget, threadRestartBackoff);
    }

    /** The same settings under another application id (a replay runs beside the live processor). */
    public ProcessorProperties withApplicationId(String id) {
        return new ProcessorProperties(acceptedTopic, deadLetterTopic, id, dedupWindow, seenEventRetention, maxBatchRows,
                fingerprintConfidence, replicationFactor, 0, writeRetryBudget, threadRestartBackoff);
    }

    public ProcessorProperties withMaxBatchRows(int rows) {
        return new ProcessorProperties(acceptedTopic, deadLetterTopic, applicationId, dedupWindow, seenEventRetention,
                rows, fingerprintConfidence, replicationFactor, standbyReplicas, writeRetryBudget, threadRestartBackoff);
    }

    private static boolean isPositive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("affixo.processor: " + message);
        }
    }
}
