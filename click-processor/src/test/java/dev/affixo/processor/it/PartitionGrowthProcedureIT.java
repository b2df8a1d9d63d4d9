package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.admin.AdminCli;
import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.verify.AcceptedClicks;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.config.ProcessorProperties;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/click-processor.md, "Growing the accepted-clicks topic", step by step with the admin CLI's commands:
 * 3 partitions grown to 8. Fingerprints aliased before the growth still resolve to their visitors after it,
 * the rows stored before are unchanged, and the new clicks are stored once each.
 */
@WithPipelineInfra
class PartitionGrowthProcedureIT {

    private static final int VISITORS = 20;
    private static final int GROWN = 8;

    @Test
    void aliasesMadeBeforeTheGrowthStillMatchAfterIt(PipelineInfra infra) {
        try (PipelineHarness harness = new PipelineHarness(infra, "growth")) {
            ClickStreams old = harness.startProcessor();
            await().atMost(Duration.ofSeconds(60)).until(() -> old.state() == KafkaStreams.State.RUNNING);
            long ws = ClickPipelineIT.newWorkspace();
            for (int v = 0; v < VISITORS; v++) {
                harness.send(Clicks.cookie(ws, "v-" + v, "fp-" + v, 1, Clicks.T0.plusSeconds(v)));
            }
            harness.flushProducer();
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.rows(ws) == VISITORS);
            Map<String, String> before = harness.labels(ws);

            // 1. the new topic, 2. the copy (here after the last click to the old topic: no overlap to wait out)
            String grown = harness.props.acceptedTopic() + ".v2";
            admin(infra, "topics", "create", "--accepted-topic", grown, "--dead-letter-topic",
                    harness.props.deadLetterTopic(), "--partitions", Integer.toString(GROWN), "--replication-factor", "1");
            assertThat(admin(infra, "topics", "copy", "--from", harness.props.acceptedTopic(), "--to", grown,
                    "--until-idle", "PT2S")).isEqualTo(Integer.toString(VISITORS));
            // 4. processors on the new topic under a new application id; the old one stops once drained
            old.close();
            ProcessorProperties v2 = harness.settings(Map.of("accepted-topic", grown,
                    "application-id", harness.props.applicationId() + "-v2"));
            harness.startProcessor(v2, ClickStreams.PARTITION_CHECK_INTERVAL);

            // 3. the API publishes to the new topic: fingerprint-only clicks of the fingerprints aliased before
            Map<String, String> expected = new HashMap<>(before);
            for (int v = 0; v < VISITORS; v++) {
                ClickEvent click = Clicks.fingerprint(ws, "fp-" + v, 2, Clicks.T0.plus(Duration.ofHours(2)));
                harness.sendTo(grown, click);
                expected.put(click.eventId(), "v-" + v + "/unique");
            }
            harness.flushProducer();

            await().atMost(Duration.ofSeconds(90)).until(() -> harness.rows(ws) == 2 * VISITORS);
            assertThat(harness.labels(ws)).isEqualTo(expected);
            // The grown topic holds the whole log now: the copied history and the clicks published since.
            assertThat(harness.rowsDifferingFrom(ClickModel.withDefaultWindow().expectedRows(
                    AcceptedClicks.read(infra.bootstrapServers(), grown, ws)), ws)).isEmpty();
        }
    }

    /** The admin CLI in-process, as an operator runs it; its stdout, trimmed. */
    private static String admin(PipelineInfra infra, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AdminCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--bootstrap-servers", infra.bootstrapServers())).toArray(String[]::new);
        assertThat(cli.execute(all)).as(String.join(" ", args) + ": " + err).isZero();
        return out.toString().strip();
    }
}
