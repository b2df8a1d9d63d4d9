package dev.affixo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.verify.AcceptedClicks;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.seed.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under traffic: the API stops accepting, answers what is in flight and flushes its producer;
 * the processor closes with its commit. Counted: every 200 is in Kafka, and after a processor restart
 * every click in Kafka is in PostgreSQL, once. Then no log line of the run holds key material.
 */
@WithPipelineInfra
class GracefulShutdownTest {

    private static final Pattern TOKEN_SHAPE = Pattern.compile("(sa|refa)_live_[0-9A-Za-z]{32}");

    @Test
    void sigtermUnderTrafficLosesNothingAndLogsNoKeys(PipelineInfra infra) throws Exception {
        try (Pipeline pipeline = Pipeline.startApi(infra, "graceful")) {
            TestData.Workspace ws = new TestData(infra.dataSource()).workspace();
            ws.link("spring");
            String key = ws.key(1_000_000, "track");
            String revoked = ws.key(600, "track");
            ws.revoke(revoked);
            ServiceProcess processor = pipeline.startProcessor("graceful-processor-1");

            // Keys that must never reach a log: a good one, a revoked one, one with a broken checksum.
            assertThat(pipeline.click(revoked, "{\"ref\":\"spring\"}", null).statusCode()).isEqualTo(401);
            assertThat(pipeline.click(lastCharChanged(key), "{\"ref\":\"spring\"}", null).statusCode()).isEqualTo(401);

            CompletableFuture<Void> terminated = new CompletableFuture<>();
            ClickLoad load = new ClickLoad().send(pipeline.api.baseUrl(), key, 3_000, 32,
                    ClickLoad.oneClickPerVisitor("graceful", "spring"), sent -> {
                if (sent == 1_000) {
                    CompletableFuture.runAsync(() -> ScaleOutTest.run(pipeline.api::close))
                            .whenComplete(ScaleOutTest.complete(terminated));
                }
            });
            terminated.get();
            System.out.println("[graceful] statuses during shutdown: " + load.statuses);
            assertThat(load.count(200)).isBetween(1_000, 3_000);
            assertThat(load.count(500)).isZero();

            // A request cut off by the shutdown may have landed unanswered: the topic holds the answered ones and
            // maybe a few more, and the rows must be exactly the topic's.
            List<ClickEvent> inKafka = AcceptedClicks.read(infra.bootstrapServers(), pipeline.topic, ws.id);
            assertThat(inKafka.stream().map(ClickEvent::url).toList()).containsAll(load.accepted.keySet());

            processor.close();   // SIGTERM: Streams closes with its commit
            try (ServiceProcess restarted = pipeline.startProcessor("graceful-processor-2")) {
                StoredClicks stored = new StoredClicks(infra.dataSource(), ws.id);
                stored.awaitRows(inKafka.size(), Duration.ofMinutes(2));
                Map<String, ClickLoad.Request> landed = new HashMap<>();
                inKafka.forEach(e -> landed.put(e.url(), ClickLoad.oneClickPerVisitor("graceful", "spring")
                        .apply(Integer.parseInt(e.url().substring(e.url().lastIndexOf('/') + 1)))));
                stored.assertMatchesModel(inKafka, landed);
            }
            assertNoKeyMaterialLogged(List.of(key, revoked));
        }
    }

    /** The token with its last (checksum) character replaced by a different one, never by itself. */
    private static String lastCharChanged(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'x' ? 'y' : 'x');
    }

    /** Every service log written by this module's runs: no token, no token-shaped string. */
    private static void assertNoKeyMaterialLogged(List<String> tokens) throws IOException {
        try (Stream<Path> logs = Files.list(Pipeline.LOGS)) {
            for (Path log : logs.toList()) {
                String text = Files.readString(log);
                for (String token : tokens) {
                    assertThat(text).as(log.toString()).doesNotContain(token).doesNotContain(token.substring(8, 40));
                }
                assertThat(TOKEN_SHAPE.matcher(text).find()).as("token-shaped string in " + log).isFalse();
            }
        }
    }
}
