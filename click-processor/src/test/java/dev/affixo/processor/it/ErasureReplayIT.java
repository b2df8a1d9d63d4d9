package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.Ids;
import dev.affixo.common.MatchMethod;
import dev.affixo.common.erasure.ErasureRequest;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.infra.verify.StoredClick;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.erasure.ErasedIdentities;
import dev.affixo.processor.erasure.ErasureApplier;
import dev.affixo.processor.erasure.ErasureScheduler;
import dev.affixo.processor.erasure.TextColumnScan;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Erasure end to end through real Kafka, the processor's streams, its erasure poller and the replay command, real
 * PostgreSQL: the person's clicks (cookie, a fingerprint alias, a keyed click) are erased within 60 s, and neither a
 * replay from the earliest offset nor a retry of the keyed click brings a value back; per-link counts never move
 * and every row equals a reference model's (other visitors' rows untouched).
 */
@WithPipelineInfra
class ErasureReplayIT {

    private static final Instant T0 = Clicks.T0;

    @Test
    void erasureWithinSecondsSurvivesReplayAndARetriedIdempotencyKey(PipelineInfra infra) throws Exception {
        try (PipelineHarness harness = new PipelineHarness(infra, "erasure")) {
            long ws = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE);
            String v = "cookie/" + ws + " é?";
            String f = "fp-" + ws;
            String url = "https://shop.example/p?customer=" + ws;
            ClickEvent first = with(Clicks.cookie(ws, v, f, 1, T0), url, null);
            ClickEvent byPrint = Clicks.fingerprint(ws, f, 2, T0.plusSeconds(300));
            ClickEvent again = Clicks.cookie(ws, v, f, 1, T0.plusSeconds(600));
            ClickEvent keyed = with(Clicks.cookie(ws, v, f, 3, T0.plusSeconds(1200)), url, "order-" + ws);
            ClickEvent other1 = Clicks.cookie(ws, "other-" + ws, "fp-other-" + ws, 1, T0);
            ClickEvent other2 = Clicks.cookie(ws, "other-" + ws, "fp-other-" + ws, 1, T0.plusSeconds(1800));
            List<ClickEvent> person = List.of(first, byPrint, again, keyed);
            List.of(first, byPrint, again, keyed, other1, other2).forEach(harness::send);
            harness.flushProducer();

            ErasureScheduler erasures = new ErasureScheduler(new ErasureApplier(harness.jdbi));
            erasures.start();
            try {
                ClickStreams live = harness.startProcessor();
                await().atMost(Duration.ofSeconds(60)).until(() -> harness.rows(ws) == 6 && harness.caughtUp());
                Map<String, StoredClick> model = new ClickModel(Duration.ofHours(1)).expectedRows(
                        harness.accepted(ws));
                assertThat(harness.rowsDifferingFrom(model, ws)).isEmpty();
                assertThat(model.get(byPrint.eventId()).canonicalVisitorId()).as("the alias links the fingerprint")
                        .isEqualTo(v);
                Map<String, Long> counts = countsPerLinkAndLabel(harness, ws);

                ErasureRequest request = ErasureRequest.of(ws, 42L, v);
                harness.jdbi.useHandle(h -> h.createUpdate(ErasureRequest.INSERT)
                        .bind("erasureId", request.erasureId()).bind("workspaceId", ws).bind("keyId", 42L)
                        .bind("visitorId", v).execute());
                long asked = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).until(() -> completed(harness, request));
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(60));

                Map<String, StoredClick> erased = erasedModel(model, person, request);
                String[] values = {v, f, url, byPrint.visitorId()};
                assertErased(harness, ws, erased, counts, values);

                live.close();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int exit = replay(harness, out);
                assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
                assertErased(harness, ws, erased, counts, values);

                // A retry of the keyed click after the erasure: same event id (same Idempotency-Key), later
                // received_at, every value as first sent.
                ClickEvent retry = new ClickEvent(keyed.eventId(), ws, keyed.linkId(), keyed.affiliateId(),
                        keyed.campaignId(), keyed.ref(), v, MatchMethod.COOKIE, 1.0, f, url, keyed.referrer(),
                        keyed.keyId(), keyed.idempotencyKey(), Instant.now());
                harness.send(retry);
                harness.flushProducer();
                harness.startProcessor();
                await().atMost(Duration.ofSeconds(60)).until(harness::caughtUp);
                assertErased(harness, ws, erased, counts, values);
                assertThat(harness.deadLetters(0, Duration.ofSeconds(1))).as("nothing refused or dead-lettered")
                        .isEmpty();
            } finally {
                erasures.stop();
            }
        }
    }

    /** The model's rows with the person's erased: visitor ids → the token, the identifying values → null. */
    private static Map<String, StoredClick> erasedModel(Map<String, StoredClick> model, List<ClickEvent> person,
                                                        ErasureRequest request) {
        String token = ErasedIdentities.token(request.erasureId());
        List<String> ids = person.stream().map(ClickEvent::eventId).toList();
        Map<String, StoredClick> erased = new LinkedHashMap<>();
        model.forEach((id, r) -> erased.put(id, !ids.contains(id) ? r
                : new StoredClick(r.eventId(), r.workspaceId(), r.linkId(), r.affiliateId(), r.campaignId(), r.ref(),
                        token, r.matchMethod(), r.matchConfidence(), null, null, null, r.keyId(), r.idempotencyKey(),
                        r.receivedAtMillis(), token, r.classification())));
        return erased;
    }

    private static void assertErased(PipelineHarness harness, long ws, Map<String, StoredClick> expected,
                                     Map<String, Long> counts, String[] values) {
        assertThat(harness.rowsDifferingFrom(expected, ws)).isEmpty();
        assertThat(countsPerLinkAndLabel(harness, ws)).isEqualTo(counts);
        assertThat(TextColumnScan.holding(harness.jdbi, values)).isEmpty();
        assertThat(harness.count("select count(*) from visitors where workspace_id = :ws", ws)).isEqualTo(1);
        assertThat(harness.count("select count(*) from visitor_aliases where workspace_id = :ws", ws)).isEqualTo(1);
    }

    private static Map<String, Long> countsPerLinkAndLabel(PipelineHarness harness, long ws) {
        Map<String, Long> counts = new LinkedHashMap<>();
        harness.jdbi.useHandle(h -> h.createQuery("""
                        select link_id || '/' || classification as k, count(*) as n from clicks
                        where workspace_id = :ws group by 1 order by 1""")
                .bind("ws", ws).map((rs, ctx) -> counts.put(rs.getString("k"), rs.getLong("n"))).list());
        return counts;
    }

    private static boolean completed(PipelineHarness harness, ErasureRequest request) {
        return harness.jdbi.withHandle(h -> h.createQuery(
                        "select completed_at is not null from visitor_erasures where erasure_id = :id")
                .bind("id", request.erasureId()).mapTo(Boolean.class).one());
    }

    private static int replay(PipelineHarness harness, ByteArrayOutputStream out) throws InterruptedException {
        Map<String, Object> kafka = Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.bootstrapServers(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return new Replay(harness.props, kafka, harness.jdbi, new JdbiRowWriter(harness.jdbi),
                new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC())
                .run(new ReplayArguments(new ReplayRange(Instant.MIN, Instant.now()), false));
    }

    private static ClickEvent with(ClickEvent e, String url, String idempotencyKey) {
        return new ClickEvent(idempotencyKey == null ? e.eventId() : Ids.nameBased("event", Long.toString(
                e.workspaceId()), idempotencyKey).toString(), e.workspaceId(), e.linkId(), e.affiliateId(),
                e.campaignId(), e.ref(), e.visitorId(), e.matchMethod(), e.matchConfidence(), e.fingerprint(), url,
                e.referrer(), e.keyId(), idempotencyKey, e.receivedAt());
    }
}
