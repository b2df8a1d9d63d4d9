package dev.affixo.admin.topics;

import dev.affixo.admin.AdminException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The one place the pipeline's topics are created. The services never create them: the accepted-clicks
 * topic's partition count decides which partition (and so which alias state) a fingerprint lands on, so
 * it must be chosen once, on purpose, and never drift between two services' defaults.
 */
public final class ClickTopics {

    /** Bounds every broker round trip, so a wrong bootstrap address fails the command instead of hanging it. */
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    public ClickTopics(Admin admin) {
        this.admin = admin;
    }

    public enum Outcome { CREATED, ALREADY_THERE }

    /**
     * Creates the topic, or accepts an existing one with the same partition count. Any other count is an
     * error: changing it silently would move keys away from their state (docs/click-processor.md,
     * "Growing the accepted-clicks topic").
     *
     * @param replicationFactor -1 for the broker's {@code default.replication.factor}
     */
    public Outcome ensure(String topic, int partitions, short replicationFactor) {
        if (partitions < 1) {
            throw new AdminException("--partitions must be at least 1, not " + partitions);
        }
        if (replicationFactor < 1 && replicationFactor != -1) {
            throw new AdminException("--replication-factor must be -1 (broker default) or at least 1, not "
                    + replicationFactor);
        }
        NewTopic wanted = new NewTopic(topic, Optional.of(partitions),
                replicationFactor == -1 ? Optional.empty() : Optional.of(replicationFactor));
        try {
            admin.createTopics(List.of(wanted)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            awaitVisible(topic, partitions);
            return Outcome.CREATED;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw failure("cannot create topic " + topic, e.getCause());
            }
        } catch (TimeoutException e) {
            throw failure("cannot create topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted while creating topic " + topic, e);
        }
        int existing = partitionCount(topic);
        if (existing != partitions) {
            throw new AdminException("topic " + topic + " already exists with " + existing + " partitions, not "
                    + partitions + "; partitions are never changed in place (keys would move away from their "
                    + "state): see docs/click-processor.md, \"Growing the accepted-clicks topic\"");
        }
        return Outcome.ALREADY_THERE;
    }

    /**
     * The controller has the topic once {@code createTopics} returns, but a broker may answer "unknown topic" for a
     * moment longer. What runs right after provisioning (a service start, the processor's partition guard) must
     * find it, so "created" means "described with all its partitions".
     */
    private void awaitVisible(String topic, int partitions) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        Exception lastMiss = null;
        while (System.nanoTime() < deadline) {
            try {
                if (admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).partitions().size() == partitions) {
                    return;
                }
            } catch (ExecutionException | TimeoutException notYet) {
                lastMiss = notYet;
            }
            Thread.sleep(50);
        }
        throw new AdminException("topic " + topic + " was created but is not visible with " + partitions
                + " partitions after " + TIMEOUT_SECONDS + " s" + (lastMiss == null ? "" : ": " + lastMiss), lastMiss);
    }

    /** The topic's partition count; an error when it does not exist. */
    public int partitionCount(String topic) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return description.partitions().size();
        } catch (ExecutionException e) {
            throw failure("cannot describe topic " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw failure("cannot describe topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted while describing topic " + topic, e);
        }
    }

    private static AdminException failure(String what, Throwable cause) {
        String detail = cause instanceof TimeoutException ? "Kafka did not answer within " + TIMEOUT_SECONDS
                + " s (is KAFKA_BOOTSTRAP_SERVERS right?)" : String.valueOf(cause.getMessage());
        return new AdminException(what + ": " + detail, cause);
    }
}
