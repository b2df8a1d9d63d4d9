package dev.affixo.processor.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The lag a group would report against the real broker's answers, for partitions with and without a committed
 * offset, after retention moved a log start, under each {@code auto.offset.reset}. Partition 0 holds 5 records,
 * three of them two hours old; partition 1 holds 7, all two hours old, the first 3 deleted (log start 3).
 */
@WithPipelineInfra
class LagMonitorIT {

    private static final long TWO_HOURS_AGO = System.currentTimeMillis() - Duration.ofHours(2).toMillis();

    @Test
    void aPartitionWithoutACommittedOffsetCountsFromWhereTheGroupWillStartIt(PipelineInfra infra) throws Exception {
        String topic = "it.lag." + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", infra.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 5; i++) {
                    long timestamp = i < 3 ? TWO_HOURS_AGO : System.currentTimeMillis();
                    producer.send(new ProducerRecord<>(topic, 0, timestamp, "k", "v" + i)).get();
                }
                for (int i = 0; i < 7; i++) {
                    producer.send(new ProducerRecord<>(topic, 1, TWO_HOURS_AGO, "k", "v" + i)).get();
                }
            }
            TopicPartition p0 = new TopicPartition(topic, 0);
            TopicPartition p1 = new TopicPartition(topic, 1);
            admin.deleteRecords(Map.of(p1, RecordsToDelete.beforeOffset(3))).all().get();

            String fresh = "it-lag-fresh-" + UUID.randomUUID();
            assertThat(lag(admin, topic, fresh, "latest")).as("a new group at the end").isEqualTo(Map.of(0, 0L, 1, 0L));
            assertThat(lag(admin, topic, fresh, "earliest")).as("a new group from each log start")
                    .isEqualTo(Map.of(0, 5L, 1, 4L));
            assertThat(lag(admin, topic, fresh, "by_duration:PT1H")).as("a new group from an hour ago")
                    .isEqualTo(Map.of(0, 2L, 1, 0L));

            // p0 committed at 2; p1 committed at 1, which retention deleted: the consumer resets it like a new one
            String known = "it-lag-known-" + UUID.randomUUID();
            admin.alterConsumerGroupOffsets(known, Map.of(p0, new OffsetAndMetadata(2), p1, new OffsetAndMetadata(1)))
                    .all().get();
            assertThat(lag(admin, topic, known, "latest")).isEqualTo(Map.of(0, 3L, 1, 0L));
            assertThat(lag(admin, topic, known, "earliest")).isEqualTo(Map.of(0, 3L, 1, 4L));
        }
    }

    /** Each partition's gauge after one measurement; the total returned must be their sum. */
    private static Map<Integer, Long> lag(Admin admin, String topic, String group, String policy) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LagMonitor monitor = new LagMonitor(admin, topic, group, StartingOffset.parse(policy), 1, registry);
        long total = monitor.measure();
        Map<Integer, Long> perPartition = new TreeMap<>();
        registry.find("affixo.processor.partition.lag.records").gauges().forEach(g ->
                perPartition.put(Integer.parseInt(g.getId().getTag("partition")), (long) g.value()));
        assertThat(total).as("total for " + policy).isEqualTo(perPartition.values().stream().mapToLong(Long::longValue).sum());
        return perPartition;
    }
}
