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
import dev.affixo.processor.DailyTotalsCheck;
import dev.affixo.processor.erasure.ErasedIdentities;
import dev.affixo.processor.erasure.ErasureApplier;
import dev.affixo.processor.erasure.ErasureFeed;
import dev.affixo.processor.erasure.ErasureScheduler;
import dev.affixo.processor.erasure.JdbiErasureFeed;
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
 * PostgreSQL: the person's clicks (cookie, a fingerprint alias, a keyed click, a recent click) are erased within
 * 60 s, and neither a retry of the keyed click (late enough to pass dedup) nor a replay from the earliest offset
 * brings a value back; per-link counts and {@code link_daily_totals} never move and every row equals a reference
 * model's (other visitors' rows untouched). The person's cookie coming back within the dedup window of an erased
 * click, to a processor whose restored state held that click's anchor, is a new visitor's {@code unique} click, not
 * linked to the erased rows, and the replay keeps it so. The replay decides by the erasure from its start, so it
 * judges the person's clicks otherwise than the live run: the sink keeps their stored labels.
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
            // recent: its anchor is within the dedup window of the person's next click, after the erasure
            ClickEvent recent = Clicks.cookie(ws, v, f, 1, Instant.now().minusSeconds(120));
            ClickEvent other1 = Clicks.cookie(ws, "other-" + ws, "fp-other-" + ws, 1, T0);
            // On another link, so unique whatever its dedup task saw first: when "recent" (months after T0) set its
            // anchor before the other visitor's T0 clicks reached the same dedup task, the window store's stream time
            // had passed their retention and a same-link repeat came out unique instead of duplicate (a CI run).
            ClickEvent other2 = Clicks.cookie(ws, "other-" + ws, "fp-other-" + ws, 2, T0.plusSeconds(1800));
            List<ClickEvent> person = List.of(first, byPrint, again, keyed, recent);
            List.of(first, byPrint, again, keyed, recent, other1, other2).forEach(harness::send);
            harness.flushProducer();

            ErasureScheduler erasures = new ErasureScheduler(new ErasureApplier(harness.jdbi));
            erasures.start();
            try {
                ErasureFeed feed = new JdbiErasureFeed(harness.jdbi);
                ClickStreams live = harness.startProcessorWithErasures(feed);
                await().atMost(Duration.ofSeconds(60)).until(() -> harness.rows(ws) == 7 && harness.caughtUp());
                Map<String, StoredClick> model = new ClickModel(Duration.ofHours(1)).expectedRows(
                        harness.accepted(ws));
                assertThat(harness.rowsDifferingFrom(model, ws)).isEmpty();
                assertThat(model.get(byPrint.eventId()).canonicalVisitorId()).as("the alias links the fingerprint")
                        .isEqualTo(v);
                Map<String, Long> counts = countsPerLinkAndLabel(harness, ws);
                List<Map<String, Object>> totals = totals(harness, ws);
                DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);

                ErasureRequest request = ErasureRequest.of(ws, 42L, v);
                harness.jdbi.useHandle(h -> h.createUpdate(ErasureRequest.INSERT)
                        .bind("erasureId", request.erasureId()).bind("workspaceId", ws).bind("keyId", 42L)
                        .bind("visitorId", v).execute());
                long asked = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).until(() -> completed(harness, request));
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(60));

                Map<String, StoredClick> erased = erasedModel(model, person, request);
                String[] values = {v, f, url, byPrint.visitorId()};
                assertErased(harness, ws, erased, counts, totals, values);

                live.close();

                // A retry of the keyed click after the erasure: same event id (same Idempotency-Key), later
                // received_at, every value as first sent. Months after the first, so dedup no longer drops it as a
                // redelivery: it reaches matching, which must not link its fingerprint again.
                ClickEvent retry = new ClickEvent(keyed.eventId(), ws, keyed.linkId(), keyed.affiliateId(),
                        keyed.campaignId(), keyed.ref(), v, MatchMethod.COOKIE, 1.0, f, url, keyed.referrer(),
                        keyed.keyId(), keyed.idempotencyKey(), Instant.now());
                harness.send(retry);
                harness.flushProducer();
                ClickStreams restarted = harness.startProcessorWithErasures(feed);
                await().atMost(Duration.ofSeconds(60)).until(harness::caughtUp);
                assertErased(harness, ws, erased, counts, totals, values);

                // The cookie comes back, minutes after the erased click `recent` (dedup window 1 h), to a processor
                // whose restored state held that click's anchor: a new visitor's unique click, in clear, unlinked.
                ClickEvent returning = Clicks.cookie(ws, v, null, 1, Instant.now());
                harness.send(returning);
                harness.flushProducer();
                await().atMost(Duration.ofSeconds(60)).until(() -> harness.rows(ws) == 8 && harness.caughtUp());
                Map<String, StoredClick> withReturning = new LinkedHashMap<>(erased);
                withReturning.putAll(new ClickModel(Duration.ofHours(1)).expectedRows(List.of(returning)));
                assertThat(withReturning.get(returning.eventId())).satisfies(r -> {
                    assertThat(r.classification()).isEqualTo(ClickModel.UNIQUE);
                    assertThat(r.canonicalVisitorId()).isEqualTo(v);
                });
                assertThat(harness.rowsDifferingFrom(withReturning, ws)).isEmpty();
                List<Map<String, Object>> totalsWithReturning = totals(harness, ws);
                DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);
                restarted.close();

                // Replay from earliest. It knows of the erasure from its start, so the person's clicks set no anchor
                // or alias and dedup judges them otherwise than the live run did (`again` comes out unique): the
                // sink keeps the labels they are stored with. The returning click stays a unique, unlinked one.
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThat(replay(harness, out, feed)).as(out.toString(StandardCharsets.UTF_8)).isZero();
                assertThat(harness.rowsDifferingFrom(withReturning, ws)).isEmpty();
                assertThat(totals(harness, ws)).isEqualTo(totalsWithReturning);
                DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);
                assertThat(TextColumnScan.holding(harness.jdbi, f, url, byPrint.visitorId())).isEmpty();
                assertThat(harness.count("select count(*) from visitor_aliases where workspace_id = :ws", ws))
                        .isEqualTo(1);
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
                                     Map<String, Long> counts, List<Map<String, Object>> totals, String[] values) {
        assertThat(harness.rowsDifferingFrom(expected, ws)).isEmpty();
        assertThat(countsPerLinkAndLabel(harness, ws)).isEqualTo(counts);
        assertThat(totals(harness, ws)).isEqualTo(totals);
        DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);
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

    private static List<Map<String, Object>> totals(PipelineHarness harness, long ws) {
        return harness.jdbi.withHandle(h -> h.createQuery("""
                        select link_id, day::text as day, all_clicks, unique_clicks, duplicate_clicks, bot_clicks,
                               unique_human_clicks
                        from link_daily_totals where workspace_id = :ws order by link_id, day""")
                .bind("ws", ws).mapToMap().list());
    }

    private static boolean completed(PipelineHarness harness, ErasureRequest request) {
        return harness.jdbi.withHandle(h -> h.createQuery(
                        "select completed_at is not null from visitor_erasures where erasure_id = :id")
                .bind("id", request.erasureId()).mapTo(Boolean.class).one());
    }

    private static int replay(PipelineHarness harness, ByteArrayOutputStream out, ErasureFeed erasures)
            throws InterruptedException {
        Map<String, Object> kafka = Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.bootstrapServers(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return new Replay(harness.props, kafka, harness.jdbi, new JdbiRowWriter(harness.jdbi),
                new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC(), erasures)
                .run(new ReplayArguments(new ReplayRange(Instant.MIN, Instant.now()), false));
    }

    private static ClickEvent with(ClickEvent e, String url, String idempotencyKey) {
        return new ClickEvent(idempotencyKey == null ? e.eventId() : Ids.nameBased("event", Long.toString(
                e.workspaceId()), idempotencyKey).toString(), e.workspaceId(), e.linkId(), e.affiliateId(),
                e.campaignId(), e.ref(), e.visitorId(), e.matchMethod(), e.matchConfidence(), e.fingerprint(), url,
                e.referrer(), e.keyId(), idempotencyKey, e.receivedAt());
    }
}
