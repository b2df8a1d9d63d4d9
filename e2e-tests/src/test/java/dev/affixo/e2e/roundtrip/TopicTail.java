package dev.affixo.e2e.roundtrip;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what a topic received since a mark: a consumer without a group, assigned to every partition, so reading
 * never disturbs the processor and sees exactly the records between two sets of end offsets.
 */
final class TopicTail implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    /** @param readCommitted true for topics written in transactions (the processor's dead letters) */
    TopicTail(String bootstrapServers, String topic, boolean readCommitted) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        this.consumer = new KafkaConsumer<>(config);
        this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        consumer.assign(partitions);
    }

    /** The current end of every partition. */
    Map<TopicPartition, Long> mark() {
        return new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(10)));
    }

    /** Every record from {@code from} to the current end. */
    List<ConsumerRecord<byte[], byte[]>> since(Map<TopicPartition, Long> from) {
        Map<TopicPartition, Long> to = mark();
        from.forEach(consumer::seek);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!reached(to)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read up to " + to);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private boolean reached(Map<TopicPartition, Long> to) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < to.get(partition)) {
                return false;
            }
        }
        return true;
    }

    List<TopicPartition> partitions() {
        return partitions;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
