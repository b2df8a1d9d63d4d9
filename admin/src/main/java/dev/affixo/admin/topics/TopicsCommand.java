package dev.affixo.admin.topics;

import dev.affixo.admin.topics.ClickTopics.Outcome;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "topics", description = "Kafka topics of the pipeline.", subcommands = {TopicsCommand.Create.class, TopicsCommand.Copy.class})
public final class TopicsCommand {

    @Command(name = "create", description = {
            "Creates the accepted-clicks and dead-letter topics; idempotent.",
            "An existing topic with the same partition count is left alone; another count is an error."})
    static final class Create implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Spec CommandSpec spec;

        @Option(names = "--accepted-topic", paramLabel = "NAME",
                defaultValue = "${env:AFFIXO_ACCEPTED_TOPIC:-affixo.clicks.accepted}",
                description = "default: $AFFIXO_ACCEPTED_TOPIC, else ${DEFAULT-VALUE}")
        String acceptedTopic;

        @Option(names = "--dead-letter-topic", paramLabel = "NAME",
                defaultValue = "${env:AFFIXO_DEAD_LETTER_TOPIC:-affixo.clicks.dead-letter}",
                description = "default: $AFFIXO_DEAD_LETTER_TOPIC, else ${DEFAULT-VALUE}")
        String deadLetterTopic;

        @Option(names = "--partitions", paramLabel = "N", required = true,
                defaultValue = "${env:AFFIXO_TOPIC_PARTITIONS}",
                description = "partitions of the accepted-clicks topic: the processor's unit of parallelism, "
                        + "fixed for the topic's life (default: $AFFIXO_TOPIC_PARTITIONS)")
        Integer partitions;

        @Option(names = "--replication-factor", paramLabel = "N", required = true,
                defaultValue = "${env:AFFIXO_TOPIC_REPLICATION_FACTOR}",
                description = "replicas of both topics; -1 = the broker's default.replication.factor "
                        + "(default: $AFFIXO_TOPIC_REPLICATION_FACTOR)")
        Short replicationFactor;

        @Option(names = "--dead-letter-partitions", paramLabel = "N", defaultValue = "1",
                description = "partitions of the dead-letter topic (default: ${DEFAULT-VALUE}); nothing is keyed by them")
        int deadLetterPartitions;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try (Admin admin = kafka.open()) {
                ClickTopics topics = new ClickTopics(admin);
                report(err, acceptedTopic, partitions, topics.ensure(acceptedTopic, partitions, replicationFactor));
                report(err, deadLetterTopic, deadLetterPartitions,
                        topics.ensure(deadLetterTopic, deadLetterPartitions, replicationFactor));
            }
            return 0;
        }

        private static void report(PrintWriter err, String topic, int partitions, Outcome outcome) {
            err.println("topic " + topic + (outcome == Outcome.CREATED ? " created" : " already exists") + " with "
                    + partitions + " partitions");
        }
    }

    @Command(name = "copy", description = {
            "Copies every committed record of one topic into another, re-hashed by key onto the target's partitions;",
            "exactly once, resumable. Exits once the source gave nothing for --until-idle and was read to its end.",
            "Used to grow the accepted-clicks topic (docs/click-processor.md, \"Growing the accepted-clicks topic\")."})
    static final class Copy implements Callable<Integer> {
        @Mixin KafkaOptions kafka;
        @Spec CommandSpec spec;

        @Option(names = "--from", paramLabel = "TOPIC", required = true, description = "source topic")
        String from;

        @Option(names = "--to", paramLabel = "TOPIC", required = true,
                description = "target topic, created beforehand with `topics create`")
        String to;

        @Option(names = "--until-idle", paramLabel = "DURATION", defaultValue = "PT30S",
                description = "stop after this long without a new record (ISO-8601, default: ${DEFAULT-VALUE})")
        Duration untilIdle;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            TopicCopy copy = new TopicCopy(kafka.bootstrapServers, from, to);
            long copied = copy.run(untilIdle);
            spec.commandLine().getOut().println(copied);
            err.println("copied " + copied + " records from " + from + " to " + to + " (group " + copy.groupId()
                    + "); nothing new for " + untilIdle);
            return 0;
        }
    }
}
