package dev.affixo.infra.verify;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.UnreadableEventException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The accepted-clicks topic read back: what the pipeline must have stored. Partition by partition, each in
 * offset order, so the list agrees with the per-key order matching saw (see {@link ClickModel}); copies of
 * one event id (producer retries, re-sends) are all kept, as the processor saw them.
 */
public final class AcceptedClicks {

    private AcceptedClicks() {
    }

    /** Every readable event of {@code workspaceId} up to the end offsets of the moment of the call. */
    public static List<ClickEvent> read(String bootstrapServers, String topic, long workspaceId) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<ClickEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (TopicPartition partition : partitions) {
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                while (consumer.position(partition) < end.get(partition)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("could not read " + partition + " to its end in 60 s");
                    }
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() >= end.get(partition)) {
                            continue;
                        }
                        try {
                            ClickEvent e = ClickEventCodec.decode(r.value());
                            if (e.workspaceId() == workspaceId) {
                                events.add(e);
                            }
                        } catch (UnreadableEventException ignored) {
                            // Poison records are the dead-letter tests' business, not rows.
                        }
                    }
                }
            }
        }
        return events;
    }
}
