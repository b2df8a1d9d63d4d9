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
}
