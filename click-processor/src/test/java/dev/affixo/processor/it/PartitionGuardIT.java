package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.config.ProcessorProperties;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Partitions added to the accepted-clicks topic under a running processor: it stops within the guard's
 * interval and says why; a restart with the same application id is refused; a fresh application id starts.
 */
@WithPipelineInfra
class PartitionGuardIT {

    private static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    @Test
    void addingPartitionsStopsTheProcessorAndOnlyAFreshApplicationIdStartsAgain(PipelineInfra infra) throws Exception {
        try (PipelineHarness harness = new PipelineHarness(infra, "guard")) {
            ProcessorProperties settings = harness.settings(Map.of());
            ClickStreams processor = harness.startProcessor(settings, CHECK_EVERY);
            await().atMost(Duration.ofSeconds(60)).until(() -> processor.state() == KafkaStreams.State.RUNNING);
            long ws = ClickPipelineIT.newWorkspace();
            for (int i = 0; i < 5; i++) {
                harness.send(Clicks.cookie(ws, "v-" + i, "fp-" + i, 1, Clicks.T0.plusSeconds(i)));
            }
            harness.flushProducer();
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.rows(ws) == 5);

            int grown = PipelineHarness.PARTITIONS + 1;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
                admin.createPartitions(Map.of(settings.acceptedTopic(), NewPartitions.increaseTo(grown))).all().get();
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> processor.state() == KafkaStreams.State.NOT_RUNNING);
            String expected = "topic " + settings.acceptedTopic() + " has " + grown + " partitions but this processor's"
                    + " state (application id " + settings.applicationId() + ", topic " + settings.applicationId()
                    + "-fingerprint-aliases-changelog) was built for " + PipelineHarness.PARTITIONS;
            assertThat(processor.stoppedBecause()).hasValueSatisfying(reason -> assertThat(reason)
                    .startsWith(expected).contains("\"Growing the accepted-clicks topic\""));
            harness.send(Clicks.cookie(ws, "v-after", "fp-after", 1, Clicks.T0.plusSeconds(60)));
            harness.flushProducer();
            Thread.sleep(3_000); // a running processor stores a click well within this (it stored 5 above)
            assertThat(harness.rows(ws)).as("clicks stored after the stop").isEqualTo(5);

            assertThatThrownBy(() -> harness.startProcessor(settings, CHECK_EVERY))
                    .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(expected);

            ProcessorProperties fresh = harness.settings(Map.of("application-id", settings.applicationId() + "-v2"));
            ClickStreams rebuilt = harness.startProcessor(fresh, CHECK_EVERY);
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.rows(ws) == 6);
            // a fresh group may still be in a follow-up rebalance while its first rows are written (seen once on a
            // loaded machine: REBALANCING right after the sixth row): running, not necessarily at this instant
            await().atMost(Duration.ofSeconds(30)).until(() -> rebuilt.state() == KafkaStreams.State.RUNNING);
            assertThat(rebuilt.stoppedBecause()).isEmpty();
        }
    }
}
