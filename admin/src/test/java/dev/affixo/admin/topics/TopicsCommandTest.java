package dev.affixo.admin.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.admin.Cli;
import dev.affixo.admin.Cli.Result;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code topics create} against a real broker: created as asked, idempotent, never silently resized. */
@WithPipelineInfra
class TopicsCommandTest {

    private final Cli cli;
    private final PipelineInfra infra;
    private final Admin admin;
    private final String accepted = "t" + UUID.randomUUID() + ".clicks.accepted";
    private final String deadLetters = "t" + UUID.randomUUID() + ".clicks.dead-letter";

    TopicsCommandTest(PipelineInfra infra) {
        this.infra = infra;
        this.cli = new Cli(infra);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
    }

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @Test
    void createsBothTopicsWithTheGivenPartitionsAndReplication() throws Exception {
        Result result = create("--partitions", "6", "--replication-factor", "1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("topic " + accepted + " created with 6 partitions")
                .contains("topic " + deadLetters + " created with 1 partitions");
        assertThat(describe(accepted).partitions()).hasSize(6)
                .allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
        assertThat(describe(deadLetters).partitions()).hasSize(1);
    }

    @Test
    void runningItAgainWithTheSamePartitionCountChangesNothing() throws Exception {
        assertThat(create("--partitions", "3", "--replication-factor", "-1").exitCode()).isZero();

        Result again = create("--partitions", "3", "--replication-factor", "-1");

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("topic " + accepted + " already exists with 3 partitions");
        assertThat(describe(accepted).partitions()).hasSize(3);
    }

    @Test
    void refusesAnExistingTopicWithAnotherPartitionCountAndLeavesItAlone() throws Exception {
        assertThat(create("--partitions", "3", "--replication-factor", "1").exitCode()).isZero();

        Result other = create("--partitions", "4", "--replication-factor", "1");

        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.err()).contains("error: topic " + accepted + " already exists with 3 partitions, not 4")
                .contains("Growing the accepted-clicks topic").doesNotContain("\tat ");
        assertThat(describe(accepted).partitions()).hasSize(3);
    }

    @Test
    void partitionsAndReplicationMustBeStatedOrInTheEnvironment() {
        Result result = cli.runRaw("topics", "create", "--bootstrap-servers", infra.bootstrapServers(),
                "--accepted-topic", accepted, "--dead-letter-topic", deadLetters);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("error: Missing required options")
                .contains("--partitions").contains("--replication-factor");
    }

    @Test
    void refusesZeroPartitionsBeforeTouchingKafka() throws Exception {
        Result result = create("--partitions", "0", "--replication-factor", "1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("error: --partitions must be at least 1, not 0");
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(accepted);
    }

    private Result create(String... sizing) {
        List<String> args = new java.util.ArrayList<>(List.of("topics", "create",
                "--bootstrap-servers", infra.bootstrapServers(),
                "--accepted-topic", accepted, "--dead-letter-topic", deadLetters));
        args.addAll(List.of(sizing));
        return cli.runRaw(args.toArray(String[]::new));
    }

    private TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get(30, TimeUnit.SECONDS);
    }

    @Test
    void copyPutsEveryRecordOnTheTargetPartitionOfItsKeyOnceEvenWhenRunAgain() throws Exception {
        assertThat(create("--partitions", "3", "--replication-factor", "1").exitCode()).isZero();
        String target = accepted + ".v2";
        assertThat(cli.runRaw("topics", "create", "--bootstrap-servers", infra.bootstrapServers(),
                "--accepted-topic", target, "--dead-letter-topic", deadLetters,
                "--partitions", "8", "--replication-factor", "1").exitCode()).isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                infra.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 60; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(accepted, null, 1_000_000L + i,
                        "1:f:fp-" + (i % 20), "click-" + i);
                record.headers().add("h", ("v" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }

        Result first = copy(target);
        Result again = copy(target);

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.value()).isEqualTo("60");
        assertThat(again.value()).as("a second run resumes at the end: nothing twice").isEqualTo("0");
        List<ConsumerRecord<String, String>> copied = readAll(target, 8);
        assertThat(copied).hasSize(60);
        for (ConsumerRecord<String, String> r : copied) {
            int i = Integer.parseInt(r.value().substring("click-".length()));
            assertThat(r.key()).isEqualTo("1:f:fp-" + (i % 20));
            assertThat(r.timestamp()).isEqualTo(1_000_000L + i);
            assertThat(new String(r.headers().lastHeader("h").value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
            // the default partitioner's hash, i.e. where the ingest API will publish this key's next clicks
            assertThat(r.partition()).as(r.key())
                    .isEqualTo(Utils.toPositive(Utils.murmur2(r.key().getBytes(StandardCharsets.UTF_8))) % 8);
        }
    }

    @Test
    void copyRefusesATargetThatWasNotProvisioned() {
        assertThat(create("--partitions", "1", "--replication-factor", "1").exitCode()).isZero();

        Result result = copy(accepted + ".missing");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("error: topic " + accepted + ".missing does not exist: create it first");
    }

    private Result copy(String target) {
        return cli.runRaw("topics", "copy", "--bootstrap-servers", infra.bootstrapServers(), "--from", accepted,
                "--to", target, "--until-idle", "PT1S");
    }

    private List<ConsumerRecord<String, String>> readAll(String topic, int partitions) {
        List<ConsumerRecord<String, String>> all = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                infra.bootstrapServers(), "isolation.level", "read_committed"), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> assigned = java.util.stream.IntStream.range(0, partitions)
                    .mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (assigned.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }
}
