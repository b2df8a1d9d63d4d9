package dev.affixo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.verify.AcceptedClicks;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.seed.TestData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Bursts are absorbed by the log, and a PostgreSQL outage delays rows but never loses or doubles one. The
 * verifier compares every row with the reference model over the topic read back; the traffic (visitors who
 * click four times, half of it fingerprint-only) makes duplicates and alias matches occur.
 */
@WithPipelineInfra
class BurstAndOutageTest {

    /** Clicks sent while no processor runs: several thousand, so the drain is a backlog, not a trickle. */
    private static final int BURST = 6_000;

    @Test
    void burstWithProcessorsStoppedIsAcceptedThenDrained(PipelineInfra infra) throws Exception {
        try (Pipeline pipeline = Pipeline.startApi(infra, "burst")) {
            TestData.Workspace ws = new TestData(infra.dataSource()).workspace();
            ws.link("sale");
            String key = ws.key(1_000_000, "track");

            // No processor runs: the API's latency must not depend on processing.
            long start = System.nanoTime();
            ClickLoad load = new ClickLoad().send(pipeline.api.baseUrl(), key, BURST, 32,
                    ClickLoad.visitorsWithAliases("burst", "sale", BURST / 4), n -> { });
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("[burst] %d clicks accepted in %.1fs (%.0f/s) with processors stopped; API %s%n",
                    BURST, seconds, BURST / seconds, load.latencySummary());
            assertThat(load.count(200)).isEqualTo(BURST);

            long resumed = System.nanoTime();
            try (ServiceProcess processor = pipeline.startProcessor("burst-processor")) {
                StoredClicks stored = new StoredClicks(infra.dataSource(), ws.id);
                Duration catchUp = stored.awaitRows(BURST, Duration.ofMinutes(3));
                System.out.printf("[burst] backlog of %d drained %.1fs after the processor was started (%.1fs after ready)%n",
                        BURST, (System.nanoTime() - resumed) / 1e9, catchUp.toMillis() / 1e3);
                List<ClickEvent> accepted = AcceptedClicks.read(infra.bootstrapServers(), pipeline.topic, ws.id);
                StoredClicks.assertTrafficExercisesDedupAndAliases(stored.assertMatchesModel(accepted, load.accepted));
            }
        }
    }

    @Test
    void postgresDownForTenSecondsMidStreamLosesAndDoublesNothing(PipelineInfra infra) throws Exception {
        try (Pipeline pipeline = Pipeline.startApi(infra, "pgdown")) {
            TestData.Workspace ws = new TestData(infra.dataSource()).workspace();
            ws.link("deal");
            String key = ws.key(1_000_000, "track");
            try (ServiceProcess processor = pipeline.startProcessor("pgdown-processor")) {
                CompletableFuture<Void> outage = new CompletableFuture<>();
                ClickLoad load = new ClickLoad().send(pipeline.api.baseUrl(), key, 6_000, 16,
                        ClickLoad.visitorsWithAliases("pgdown", "deal", 1_500), sent -> {
                    if (sent == 2_000) {
                        CompletableFuture.runAsync(() -> {
                            infra.postgres().stop();
                            sleep(Duration.ofSeconds(10));
                            infra.postgres().restart();
                        }).whenComplete(ScaleOutTest.complete(outage));
                    }
                });
                outage.get();
                // Keys and links are cached, so the API keeps accepting while PostgreSQL is down.
                assertThat(load.count(200)).isEqualTo(6_000);
                StoredClicks stored = new StoredClicks(infra.dataSource(), ws.id);
                stored.awaitRows(6_000, Duration.ofMinutes(3));
                List<ClickEvent> accepted = AcceptedClicks.read(infra.bootstrapServers(), pipeline.topic, ws.id);
                StoredClicks.assertTrafficExercisesDedupAndAliases(stored.assertMatchesModel(accepted, load.accepted));
            } finally {
                if (!infra.postgres().isRunning()) {
                    infra.postgres().restart();
                }
            }
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
