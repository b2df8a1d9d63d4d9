package dev.affixo.admin.topics;

import dev.affixo.admin.AdminException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies one topic into another, re-hashed: each record keeps its key, value, timestamp and headers, and goes
 * to the partition the default partitioner picks for its key on the target, which is where the ingest API
 * publishes that key's new clicks. That is what growing the accepted-clicks topic needs (a partition-for-
 * partition copy would keep keys on their old partitions, away from where their new clicks land).
 *
 * <p>Exactly once: each polled batch is produced and its source offsets committed in one Kafka transaction,
 * reading committed records only. A copy stopped half way resumes from its group's offsets and writes nothing
 * twice.
 */
public final class TopicCopy {

    private static final Duration POLL = Duration.ofMillis(500);

    private final String bootstrapServers;
    private final String from;
    private final String to;

    public TopicCopy(String bootstrapServers, String from, String to) {
        this.bootstrapServers = bootstrapServers;
        this.from = from;
        this.to = to;
    }

    /** The consumer group (and transactional id) of the copy into {@code to}: one copier per target. */
    public String groupId() {
        return "affixo-topics-copy-" + to;
    }

    /**
     * Copies until the source has given nothing for {@code untilIdle} and every source partition was read to its
     * end; returns how many records this run copied.
     */
    public long run(Duration untilIdle) {
        if (from.equals(to)) {
            throw new AdminException("--from and --to must differ");
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            requireTopics(consumer);
            producer.initTransactions();
            consumer.subscribe(List.of(from));
            long copied = 0;
            long idleSince = System.nanoTime();
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    if (System.nanoTime() - idleSince >= untilIdle.toNanos() && readToEnd(consumer)) {
                        return copied;
                    }
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    // partition null: the target's partitioner hashes the key, as the ingest API's producer does
                    producer.send(new ProducerRecord<>(to, null, r.timestamp(), r.key(), r.value(), r.headers()));
                    next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                producer.commitTransaction();
                copied += records.count();
                idleSince = System.nanoTime();
            }
        }
    }

    private void requireTopics(KafkaConsumer<byte[], byte[]> consumer) {
        Set<String> existing = consumer.listTopics(Duration.ofSeconds(30)).keySet();
        for (String topic : List.of(from, to)) {
            if (!existing.contains(topic)) {
                throw new AdminException("topic " + topic + " does not exist" + (topic.equals(to)
                        ? ": create it first with `affixo-admin topics create --accepted-topic " + to + " ...`" : ""));
            }
        }
    }

    /** Position at the end of every assigned partition (the last-stable offset: read_committed). */
    private static boolean readToEnd(KafkaConsumer<byte[], byte[]> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return false;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        return assigned.stream().allMatch(p -> consumer.position(p) >= end.get(p));
    }

    private Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // only what the API's producer committed; aborted records were never answered 200
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }
}
