package dev.affixo.processor;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Matching needs a fingerprint's clicks on the partition that holds its aliases. That holds only while the
 * accepted-clicks topic keeps the partition count the state was built with: adding partitions re-hashes keys
 * onto other partitions, away from their alias state, and matching goes silently wrong. Kafka Streams itself
 * notices only at the next rebalance (after a metadata refresh), and then loops failing threads.
 *
 * <p>The processor's own internal topics are the record of what the state was built for: the alias changelog
 * and the repartition topic were created with the accepted topic's partition count, and they cannot drift from
 * the state because they <em>are</em> the state. No second copy (a metadata topic, a row) that a reset could
 * leave stale. A fresh application id has none of them yet, and passes.
 */
public final class PartitionGuard {

    static final String GROWTH_SECTION = "docs/click-processor.md, \"Growing the accepted-clicks topic\"";
    private static final long TIMEOUT_SECONDS = 30;

    private final String acceptedTopic;
    private final String applicationId;
    private final List<String> stateTopics;

    public PartitionGuard(String acceptedTopic, String applicationId) {
        this.acceptedTopic = acceptedTopic;
        this.applicationId = applicationId;
        this.stateTopics = List.of(
                applicationId + "-" + ClickTopology.FINGERPRINT_ALIASES + "-changelog",
                applicationId + "-" + ClickTopology.BY_CANONICAL_VISITOR + "-repartition");
    }

    /**
     * Why this processor must not run against the accepted-clicks topic as it is now, if it must not.
     *
     * @throws IllegalStateException when Kafka cannot be asked (the caller decides whether that is fatal)
     */
    public Optional<String> problem(Admin admin) {
        List<String> names = new java.util.ArrayList<>(stateTopics);
        names.add(0, acceptedTopic);
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(names).topicNameValues();
        Optional<Integer> accepted = partitions(described, acceptedTopic);
        if (accepted.isEmpty()) {
            return Optional.of("topic " + acceptedTopic + " does not exist: the processor creates no topic; "
                    + "provision it with `affixo-admin topics create` (README, \"Topics\")");
        }
        for (String stateTopic : stateTopics) {
            Optional<Integer> built = partitions(described, stateTopic);
            if (built.isPresent() && !built.get().equals(accepted.get())) {
                return Optional.of("topic " + acceptedTopic + " has " + accepted.get() + " partitions but this "
                        + "processor's state (application id " + applicationId + ", topic " + stateTopic
                        + ") was built for " + built.get() + ": adding partitions moves fingerprints and visitors "
                        + "away from their aliases, so matching would silently go wrong. Refusing to process. "
                        + "Follow " + GROWTH_SECTION + " (a new topic and a new application id).");
            }
        }
        return Optional.empty();
    }

    /** The topic's partition count, or empty when it does not exist (yet). */
    private static Optional<Integer> partitions(Map<String, KafkaFuture<TopicDescription>> described, String topic) {
        try {
            return Optional.of(described.get(topic).get(TIMEOUT_SECONDS, TimeUnit.SECONDS).partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not describe topic " + topic + " within " + TIMEOUT_SECONDS
                    + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }
}
