package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.replay.Replay;
import dev.affixo.processor.replay.ReplayArguments;
import dev.affixo.processor.replay.ReplayRange;
import dev.affixo.processor.sink.JdbiRowWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * A replay deletes its changelogs when it ends, so it must not end while rows are still pending in them. Here
 * its write interval is longer than it takes to consume the topic: it must wait for the write, not stop when
 * its offsets are committed (which would lose the relabelled rows with the changelogs).
 */
@WithPipelineInfra
class ReplayDrainIT {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void replayWaitsForItsPendingRowsBeforeItDeletesItsChangelogs(PipelineInfra infra) throws Exception {
        try (PipelineHarness harness = new PipelineHarness(infra, "replay-drain")) {
            long ws = ClickPipelineIT.newWorkspace();
            // One visitor on one link at +0, +10, +40 min: with 1 h U D D, with 30 min U D U.
            List<ClickEvent> clicks = List.of(0, 10, 40).stream()
                    .map(m -> Clicks.cookie(ws, "X", "fp-x", 1, T0.plus(Duration.ofMinutes(m)))).toList();
            clicks.forEach(harness::send);
            harness.flushProducer();
            ClickStreams live = harness.startProcessor();
            await().atMost(Duration.ofSeconds(90)).until(() -> harness.rows(ws) == 3 && harness.caughtUp());
            live.close();

            ProcessorProperties props = PipelineHarness.withWriteInterval(
                    harness.props.with(Map.of("dedup-window", "PT30M")), Duration.ofSeconds(15));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = new Replay(props, Map.of(
                            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100),
                    harness.jdbi, new JdbiRowWriter(harness.jdbi),
                    new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC())
                    .run(new ReplayArguments(new ReplayRange(Instant.MIN, Instant.now()), false));

            assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(harness.rows(ws)).isEqualTo(3);
            assertThat(harness.labels(ws)).isEqualTo(Map.of(
                    clicks.get(0).eventId(), "X/unique",
                    clicks.get(1).eventId(), "X/duplicate",
                    clicks.get(2).eventId(), "X/unique"));
        }
    }
}
