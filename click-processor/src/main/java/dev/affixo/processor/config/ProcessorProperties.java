package dev.affixo.processor.config;

import dev.affixo.common.Topics;
import dev.affixo.processor.partitions.PartitionPeriod;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
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
 * @param seenEventRetention    how long (by received_at) an event id is remembered to drop a redelivered click
 * @param maxBatchRows          rows pending per task before they are written without waiting for the write interval
 * @param replicationFactor     replication of internal topics; -1 = broker default
 * @param standbyReplicas       warm standby copies of each task's state on other instances
 * @param writeRetryBudget      how long one batch write is retried before the task fails and is restarted
 * @param threadRestartBackoff  pause before a failed stream thread is replaced, so an outage is not a hot loop
 * @param writeInterval         how often a task writes its pending rows to PostgreSQL (wall clock); a row reaches
 *                              PostgreSQL at most this plus one write after it was processed
 * @param clickRetention        how long a click is kept, by received_at; older partitions of clicks are dropped
 *                              whole, and no writer (live or replay) stores a click older than this. None: keep all
 * @param clickPartitionPeriod  what one partition of clicks covers: DAY, WEEK or MONTH (UTC)
 * @param clickPartitionsAhead  partitions created beyond the current period's (at start and hourly)
 * @param velocityMaxPerMinute  clicks of one ip_hash on one link in one UTC minute beyond this many are labelled
 *                              bot, reason velocity (docs/traffic-quality.md)
 * @param userAgentCacheSize    parsed user agents kept in memory (distinct strings)
 */
@ConfigurationProperties(ProcessorProperties.PREFIX)
public record ProcessorProperties(
        @DefaultValue(Topics.ACCEPTED_CLICKS) String acceptedTopic,
        @DefaultValue(Topics.DEAD_LETTERS) String deadLetterTopic,
        @DefaultValue("affixo-click-processor") String applicationId,
        @DefaultValue("PT1H") Duration dedupWindow,
        @DefaultValue("PT24H") Duration seenEventRetention,
        @DefaultValue("1000") int maxBatchRows,
        @DefaultValue("-1") int replicationFactor,
        @DefaultValue("0") int standbyReplicas,
        @DefaultValue("PT5S") Duration writeRetryBudget,
        @DefaultValue("PT1S") Duration threadRestartBackoff,
        @DefaultValue("PT0.1S") Duration writeInterval,
        Duration clickRetention,
        @DefaultValue("MONTH") PartitionPeriod clickPartitionPeriod,
        @DefaultValue("2") int clickPartitionsAhead,
        @DefaultValue("30") int velocityMaxPerMinute,
        @DefaultValue("100000") int userAgentCacheSize) {

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
        require(replicationFactor == -1 || replicationFactor > 0, "replicationFactor must be -1 or positive");
        require(standbyReplicas >= 0, "standbyReplicas must be >= 0");
        require(isPositive(writeRetryBudget), "writeRetryBudget must be positive");
        require(threadRestartBackoff != null && !threadRestartBackoff.isNegative(), "threadRestartBackoff must be >= 0");
        require(isPositive(writeInterval), "writeInterval must be positive");
        require(clickRetention == null || isPositive(clickRetention), "clickRetention must be positive (or unset)");
        require(clickPartitionPeriod != null, "clickPartitionPeriod must be set");
        require(clickPartitionsAhead >= 1, "clickPartitionsAhead must be at least 1");
        require(velocityMaxPerMinute >= 1, "velocityMaxPerMinute must be at least 1");
        require(userAgentCacheSize >= 0, "userAgentCacheSize must be >= 0");
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
        return bind(Map.of("accepted-topic", acceptedTopic, "dead-letter-topic", deadLetterTopic,
                "application-id", applicationId));
    }

    /**
     * These settings with some replaced ({@code "application-id" -> "…-replay-…"}), validated again. Every other
     * component is carried over by reflection, so a setting added later cannot be forgotten (or reset) here.
     */
    public ProcessorProperties with(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        for (RecordComponent component : ProcessorProperties.class.getRecordComponents()) {
            try {
                Object value = component.getAccessor().invoke(this);
                if (value == null) {
                    continue; // unset stays unset (a null would bind as the text "null")
                }
                settings.put(configurationName(component.getName()), String.valueOf(value));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component.getName(), e);
            }
        }
        settings.putAll(overrides);
        return bind(settings);
    }

    /** {@code seenEventRetention} -> {@code seen-event-retention}, the form configuration uses. */
    private static String configurationName(String component) {
        return component.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
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
