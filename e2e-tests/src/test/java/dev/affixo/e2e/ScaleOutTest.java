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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Processors scale out and fail over without losing or doubling a click: two instances share the
 * partitions, one is SIGKILLed half way (no shutdown, no commit), a third joins later, and the verifier
 * finds exactly the accepted set stored, every row as sent and with the canonical visitor and label the
 * reference model computes (3 000 visitors × 4 clicks, fingerprint aliases used: one unique each).
 */
@WithPipelineInfra
class ScaleOutTest {

    private static final int CLICKS = 12_000;

    @Test
    void killingOneProcessorAndAddingAnotherLosesAndDoublesNothing(PipelineInfra infra) throws Exception {
        try (Pipeline pipeline = Pipeline.startApi(infra, "scale")) {
            TestData.Workspace ws = new TestData(infra.dataSource()).workspace();
            ws.link("burst");
            String key = ws.key(1_000_000, "track");
            ServiceProcess first = pipeline.startProcessor("scale-processor-1");
            ServiceProcess second = pipeline.startProcessor("scale-processor-2");
            AtomicReference<ServiceProcess> third = new AtomicReference<>();
            CompletableFuture<Void> kill = new CompletableFuture<>();
            CompletableFuture<Void> join = new CompletableFuture<>();
            try {
                ClickLoad load = new ClickLoad().send(pipeline.api.baseUrl(), key, CLICKS, 32,
                        ClickLoad.visitorsWithAliases("scale", "burst", CLICKS / 4), sent -> {
                    if (sent == CLICKS / 2) {
                        CompletableFuture.runAsync(() -> run(second::kill)).whenComplete(complete(kill));
                    } else if (sent == CLICKS * 3 / 4) {
                        CompletableFuture.runAsync(() -> run(() -> third.set(pipeline.startProcessor("scale-processor-3"))))
                                .whenComplete(complete(join));
                    }
                });
                kill.get();
                join.get();
                System.out.println("[scale] accepted " + load.accepted.size() + " clicks, API " + load.latencySummary());

                assertThat(load.count(200)).isEqualTo(CLICKS);
                StoredClicks stored = new StoredClicks(infra.dataSource(), ws.id);
                stored.awaitRows(CLICKS, Duration.ofMinutes(5)); // a bound, not a target: three rebalances on a loaded 2-core CI machine
                List<ClickEvent> accepted = AcceptedClicks.read(infra.bootstrapServers(), pipeline.topic, ws.id);
                StoredClicks.assertTrafficExercisesDedupAndAliases(stored.assertMatchesModel(accepted, load.accepted));
            } finally {
                first.close();
                second.close();
                if (third.get() != null) {
                    third.get().close();
                }
            }
        }
    }

    interface Step {
        void run() throws Exception;
    }

    static void run(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static java.util.function.BiConsumer<Void, Throwable> complete(CompletableFuture<Void> done) {
        return (ok, error) -> {
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
        };
    }
}
