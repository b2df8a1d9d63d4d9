package dev.affixo.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.MatchMethod;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.dedup.Classification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink's statements against real PostgreSQL: one statement per table per batch, so a batch that names the
 * same row twice must be collapsed first (PostgreSQL refuses to update one row twice in one statement).
 */
@WithPipelineInfra
class JdbiRowWriterIT {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123Z");

    private static Jdbi jdbi;
    private static JdbiRowWriter writer;

    @BeforeAll
    static void migrate(PipelineInfra infra) {
        Flyway.configure().dataSource(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword())
                .locations("classpath:db/migration").load().migrate();
        jdbi = Jdbi.create(infra.dataSource());
        writer = new JdbiRowWriter(jdbi);
    }

    private static long newWorkspace() {
        return ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE);
    }

    @Test
    void storesEveryColumnOfABatch() {
        long ws = newWorkspace();
        ClickEvent withAll = new ClickEvent(dev.affixo.common.Ids.newTimeOrdered().toString(), ws, 3, 103, 42L,
                "ref-3", "v-1", MatchMethod.COOKIE, 1.0, "fp-1", "https://shop.example/p", "https://blog.example/",
                7, "idem-1", T0);
        ClickEvent sparse = new ClickEvent(dev.affixo.common.Ids.newTimeOrdered().toString(), ws, 4, 104, null,
                "ref-4", "v-2", MatchMethod.FINGERPRINT, 0.8, null, null, null, 8, null, T0.plusMillis(1));

        writer.write(new RowBatch(List.of(ClickRow.of(withAll, "canonical-1", Classification.UNIQUE),
                ClickRow.of(sparse, "canonical-2", Classification.DUPLICATE)), List.of()));

        List<Map<String, Object>> rows = jdbi.withHandle(h -> h.createQuery("""
                        select event_id::text as event_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                               canonical_visitor_id, match_method, match_confidence, fingerprint, url, referrer,
                               classification, key_id, idempotency_key,
                               (extract(epoch from received_at) * 1000)::bigint as received_ms
                        from clicks where workspace_id = :ws order by link_id""")
                .bind("ws", ws).mapToMap().list());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("event_id", withAll.eventId()).containsEntry("link_id", 3L)
                .containsEntry("affiliate_id", 103L).containsEntry("campaign_id", 42L).containsEntry("ref", "ref-3")
                .containsEntry("visitor_id", "v-1").containsEntry("canonical_visitor_id", "canonical-1")
                .containsEntry("match_method", "cookie").containsEntry("match_confidence", 1.0f)
                .containsEntry("fingerprint", "fp-1").containsEntry("url", "https://shop.example/p")
                .containsEntry("referrer", "https://blog.example/").containsEntry("classification", "unique")
                .containsEntry("key_id", 7L).containsEntry("idempotency_key", "idem-1")
                .containsEntry("received_ms", T0.toEpochMilli());
        assertThat(rows.get(1)).containsEntry("event_id", sparse.eventId()).containsEntry("campaign_id", null)
                .containsEntry("fingerprint", null).containsEntry("url", null).containsEntry("referrer", null)
                .containsEntry("idempotency_key", null).containsEntry("match_confidence", 0.8f)
                .containsEntry("classification", "duplicate").containsEntry("received_ms", T0.toEpochMilli() + 1);
    }

    @Test
    void storesAnEventNamedTwiceInOneBatchOnceWithTheLastResult() {
        long ws = newWorkspace();
        ClickEvent click = Clicks.cookie(ws, "v-1", null, 1, T0);
        ClickEvent other = Clicks.cookie(ws, "v-2", null, 1, T0.plusSeconds(1));

        writer.write(new RowBatch(List.of(ClickRow.of(click, "v-1", Classification.UNIQUE),
                ClickRow.of(other, "v-2", Classification.UNIQUE),
                ClickRow.of(click, "v-1", Classification.DUPLICATE)), List.of()));

        assertThat(count("select count(*) from clicks where workspace_id = :ws", ws)).isEqualTo(2);
        String label = jdbi.withHandle(h -> h.createQuery("select classification from clicks where event_id = :id::uuid")
                .bind("id", click.eventId()).mapTo(String.class).one());
        assertThat(label).isEqualTo("duplicate");
    }

    @Test
    void recordsEachVisitorOnceWithItsEarliestSightingAndReadsLastActivityFromClicks() {
        long ws = newWorkspace();
        ClickEvent first = Clicks.cookie(ws, "v-1", null, 1, T0.plusSeconds(10));
        ClickEvent earlier = Clicks.cookie(ws, "v-1", null, 2, T0);
        ClickEvent later = Clicks.cookie(ws, "v-1", null, 3, T0.plusSeconds(60));
        ClickEvent straggler = Clicks.cookie(ws, "v-1", null, 4, T0.minusSeconds(30));

        writer.write(new RowBatch(List.of(ClickRow.of(first, "v-1", Classification.UNIQUE),
                ClickRow.of(earlier, "v-1", Classification.UNIQUE)), List.of()));
        writer.write(new RowBatch(List.of(ClickRow.of(later, "v-1", Classification.UNIQUE)), List.of()));
        assertThat(firstAndLastSeenMillis(ws)).containsEntry("n", 1L).containsEntry("first_ms", T0.toEpochMilli())
                .containsEntry("last_ms", T0.plusSeconds(60).toEpochMilli());

        writer.write(new RowBatch(List.of(ClickRow.of(straggler, "v-1", Classification.UNIQUE)), List.of()));
        assertThat(firstAndLastSeenMillis(ws)).containsEntry("n", 1L)
                .containsEntry("first_ms", T0.minusSeconds(30).toEpochMilli())
                .containsEntry("last_ms", T0.plusSeconds(60).toEpochMilli());
    }

    private static Map<String, Object> firstAndLastSeenMillis(long ws) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select count(*) over () as n, (extract(epoch from first_seen_at) * 1000)::bigint as first_ms,
                               (extract(epoch from last_seen_at) * 1000)::bigint as last_ms
                        from visitor_activity where workspace_id = :ws""")
                .bind("ws", ws).mapToMap().one());
    }

    @Test
    void keepsTheNewestAliasWhenABatchNamesAFingerprintTwiceAndNeverMovesItBack() {
        long ws = newWorkspace();
        writer.write(new RowBatch(List.of(), List.of(
                new AliasRow(ws, "fp-1", "v-old", T0),
                new AliasRow(ws, "fp-1", "v-new", T0.plus(Duration.ofMinutes(5))),
                new AliasRow(ws, "fp-1", "v-older", T0.minus(Duration.ofMinutes(5))),
                new AliasRow(ws, "fp-2", "v-2", T0))));
        writer.write(new RowBatch(List.of(), List.of(new AliasRow(ws, "fp-1", "v-stale", T0.plusSeconds(1)))));

        assertThat(count("select count(*) from visitor_aliases where workspace_id = :ws", ws)).isEqualTo(2);
        String visitor = jdbi.withHandle(h -> h.createQuery(
                        "select visitor_id from visitor_aliases where workspace_id = :ws and fingerprint = 'fp-1'")
                .bind("ws", ws).mapTo(String.class).one());
        assertThat(visitor).isEqualTo("v-new");
    }

    /**
     * A click sent with an Idempotency-Key: the only click whose event id the API gives again, to a retried request
     * (a later received_at) or to another body under the same key. A click without one has its own event id, and
     * every copy of it carries its received_at.
     */
    private static ClickEvent keyed(ClickEvent click, String key) {
        return new ClickEvent(click.eventId(), click.workspaceId(), click.linkId(), click.affiliateId(),
                click.campaignId(), click.ref(), click.visitorId(), click.matchMethod(), click.matchConfidence(),
                click.fingerprint(), click.url(), click.referrer(), click.keyId(), key, click.receivedAt());
    }

    /** The same event id (one Idempotency-Key) as {@code first}, with another url: a second body. */
    private static ClickEvent secondBody(ClickEvent first, String url, Instant receivedAt) {
        return new ClickEvent(first.eventId(), first.workspaceId(), first.linkId(), first.affiliateId(),
                first.campaignId(), first.ref(), first.visitorId(), first.matchMethod(), first.matchConfidence(),
                first.fingerprint(), url, first.referrer(), first.keyId(), first.idempotencyKey(), receivedAt);
    }

    /** A redelivery or replay of {@code first}: same request, other derived inputs (arrival, sending key). */
    private static ClickEvent sameBodyAgain(ClickEvent first, Instant receivedAt, long keyId) {
        return new ClickEvent(first.eventId(), first.workspaceId(), first.linkId(), first.affiliateId(),
                first.campaignId(), first.ref(), first.visitorId(), first.matchMethod(), first.matchConfidence(),
                first.fingerprint(), first.url(), first.referrer(), keyId, first.idempotencyKey(), receivedAt);
    }

    private static Map<String, Object> storedRow(String eventId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select ref, visitor_id, fingerprint, url, referrer, canonical_visitor_id, classification, key_id,
                               (extract(epoch from received_at) * 1000)::bigint as received_ms
                        from clicks where event_id = :id::uuid""")
                .bind("id", eventId).mapToMap().one());
    }

    @Test
    void refusesASecondBodyUnderAStoredEventIdAndLeavesTheFirstUntouched() {
        long ws = newWorkspace();
        ClickEvent first = keyed(Clicks.cookie(ws, "v-1", null, 1, T0), "key-1");
        ClickEvent second = secondBody(first, "https://shop.example/other", T0.plusSeconds(5));
        ClickRow secondRow = ClickRow.of(second, "v-other", Classification.DUPLICATE);

        assertThat(writer.write(new RowBatch(List.of(ClickRow.of(first, "v-1", Classification.UNIQUE)), List.of())))
                .isEmpty();
        assertThat(writer.write(new RowBatch(List.of(secondRow), List.of()))).containsExactly(secondRow);

        assertThat(storedRow(first.eventId())).containsEntry("url", "https://shop.example/p")
                .containsEntry("canonical_visitor_id", "v-1").containsEntry("classification", "unique")
                .containsEntry("received_ms", T0.toEpochMilli());
        assertThat(count("select count(*) from clicks where workspace_id = :ws", ws)).isEqualTo(1);
    }

    @Test
    void refusesASecondBodyWithinOneBatchAndDoesNotRecordItsVisitor() {
        long ws = newWorkspace();
        ClickEvent first = Clicks.cookie(ws, "v-1", null, 1, T0);
        ClickEvent other = new ClickEvent(first.eventId(), ws, 1, first.affiliateId(), null, first.ref(), "v-2",
                MatchMethod.COOKIE, 1.0, null, first.url(), first.referrer(), 7, null, T0.plusSeconds(1));
        ClickRow firstRow = ClickRow.of(first, "v-1", Classification.UNIQUE);
        ClickRow otherRow = ClickRow.of(other, "v-2", Classification.UNIQUE);

        assertThat(writer.write(new RowBatch(List.of(firstRow, otherRow), List.of()))).containsExactly(otherRow);

        assertThat(storedRow(first.eventId())).containsEntry("visitor_id", "v-1")
                .containsEntry("canonical_visitor_id", "v-1");
        List<String> visitors = jdbi.withHandle(h -> h.createQuery(
                "select visitor_id from visitors where workspace_id = :ws").bind("ws", ws).mapTo(String.class).list());
        assertThat(visitors).containsExactly("v-1");
    }

    @Test
    void aReplayRewritingTheSameRequestChangesOnlyDerivedColumns() {
        long ws = newWorkspace();
        ClickEvent first = keyed(Clicks.cookie(ws, "v-1", "fp-1", 1, T0), "key-1");
        ClickEvent again = sameBodyAgain(first, T0.plusSeconds(30), 99);

        writer.write(new RowBatch(List.of(ClickRow.of(first, "v-1", Classification.UNIQUE)), List.of()));
        assertThat(writer.write(new RowBatch(List.of(ClickRow.of(again, "v-canonical", Classification.DUPLICATE)),
                List.of(), true))).isEmpty();

        assertThat(storedRow(first.eventId()))
                .containsEntry("ref", first.ref()).containsEntry("visitor_id", "v-1")
                .containsEntry("fingerprint", "fp-1").containsEntry("url", first.url())
                .containsEntry("referrer", first.referrer())
                .containsEntry("received_ms", T0.toEpochMilli()).containsEntry("key_id", 7L)
                .containsEntry("canonical_visitor_id", "v-canonical").containsEntry("classification", "duplicate");
    }

    private static long count(String sql, long ws) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("ws", ws).mapTo(Long.class).one());
    }

    @Test
    void aLiveRewriteOfTheSameRequestKeepsTheStoredLabelAndStillRefusesASecondBody() {
        long ws = newWorkspace();
        ClickEvent first = keyed(Clicks.cookie(ws, "v-1", "fp-1", 1, T0), "key-1");
        ClickEvent redelivered = sameBodyAgain(first, T0.plusSeconds(3 * 3600), 99);
        writer.write(new RowBatch(List.of(ClickRow.of(first, "v-1", Classification.DUPLICATE)), List.of()));
        Instant processedAt = processedAt(first.eventId());

        // Dedup forgot the event id, so it labelled the redelivery anew: the stored label must stay.
        assertThat(writer.write(new RowBatch(List.of(ClickRow.of(redelivered, "v-other", Classification.UNIQUE)),
                List.of()))).isEmpty();
        ClickEvent secondBody = new ClickEvent(first.eventId(), ws, 1, first.affiliateId(), null, first.ref(), "v-2",
                first.matchMethod(), 1.0, null, "https://shop.example/other", null, 7, "key-1", T0.plusSeconds(3 * 3600));
        ClickRow refused = ClickRow.of(secondBody, "v-2", Classification.UNIQUE);

        assertThat(writer.write(new RowBatch(List.of(refused), List.of()))).containsExactly(refused);
        assertThat(storedRow(first.eventId()))
                .containsEntry("canonical_visitor_id", "v-1").containsEntry("classification", "duplicate")
                .containsEntry("visitor_id", "v-1");
        assertThat(processedAt(first.eventId())).isEqualTo(processedAt);
    }

    private static Instant processedAt(String eventId) {
        return jdbi.withHandle(h -> h.createQuery("select processed_at from clicks where event_id = :id::uuid")
                .bind("id", eventId).mapTo(Instant.class).one());
    }

    @Test
    void aKeyedRetryMonthsLaterLandsOnTheStoredRowInItsOwnPartitionAndASecondBodyThereIsRefused() {
        long ws = newWorkspace();
        ClickEvent first = keyed(Clicks.cookie(ws, "v-1", null, 1, T0), "key-months");
        Instant months = T0.plus(Duration.ofDays(95));
        ClickRow retry = ClickRow.of(sameBodyAgain(first, months, 7), "v-1", Classification.UNIQUE);
        ClickRow other = ClickRow.of(secondBody(first, "https://shop.example/other", months.plusSeconds(1)), "v-1",
                Classification.UNIQUE);

        assertThat(writer.write(new RowBatch(List.of(ClickRow.of(first, "v-1", Classification.UNIQUE)), List.of())))
                .isEmpty();
        assertThat(writer.write(new RowBatch(List.of(retry), List.of()))).isEmpty();
        assertThat(writer.write(new RowBatch(List.of(other), List.of()))).containsExactly(other);

        assertThat(count("select count(*) from clicks where workspace_id = :ws", ws)).isEqualTo(1);
        assertThat(storedRow(first.eventId())).containsEntry("received_ms", T0.toEpochMilli())
                .containsEntry("url", first.url());
        assertThat(count("select count(*) from clicks_p20260301 where workspace_id = :ws", ws)).isEqualTo(1);
    }

    @Test
    void twoWritersRacingWithTwoBodiesOfOneKeyedEventIdStoreOneAndRefuseTheOther() throws Exception {
        for (int round = 0; round < 10; round++) {
            long ws = newWorkspace();
            ClickEvent first = keyed(Clicks.cookie(ws, "v-1", null, 1, T0), "key-race-" + round);
            ClickRow a = ClickRow.of(first, "v-1", Classification.UNIQUE);
            ClickRow b = ClickRow.of(secondBody(first, "https://shop.example/other", T0.plus(Duration.ofDays(40))),
                    "v-1", Classification.UNIQUE);
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var fa = pool.submit(() -> { start.await(); return writer.write(new RowBatch(List.of(a), List.of())); });
                var fb = pool.submit(() -> { start.await(); return writer.write(new RowBatch(List.of(b), List.of())); });
                List<ClickRow> refused = new java.util.ArrayList<>(fa.get());
                refused.addAll(fb.get());
                assertThat(refused).hasSize(1);
                assertThat(count("select count(*) from clicks where workspace_id = :ws", ws)).isEqualTo(1);
                String storedUrl = (String) storedRow(first.eventId()).get("url");
                assertThat(storedUrl).isEqualTo(refused.get(0) == a ? b.event().url() : a.event().url());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aNonKeyedRedeliveryWithItsOwnReceivedAtLandsOnItsRowAndAnotherBodyThereIsRefused() {
        long ws = newWorkspace();
        ClickEvent first = Clicks.cookie(ws, "v-1", null, 1, T0);
        ClickRow again = ClickRow.of(sameBodyAgain(first, T0, 9), "v-other", Classification.DUPLICATE);
        ClickRow other = ClickRow.of(secondBody(first, "https://shop.example/other", T0), "v-1", Classification.UNIQUE);

        writer.write(new RowBatch(List.of(ClickRow.of(first, "v-1", Classification.UNIQUE)), List.of()));
        assertThat(writer.write(new RowBatch(List.of(again), List.of()))).isEmpty();
        assertThat(writer.write(new RowBatch(List.of(other), List.of()))).containsExactly(other);

        assertThat(count("select count(*) from clicks where workspace_id = :ws", ws)).isEqualTo(1);
        assertThat(storedRow(first.eventId())).containsEntry("canonical_visitor_id", "v-1")
                .containsEntry("classification", "unique").containsEntry("url", first.url());
        assertThat(count("select count(*) from click_keyed_events where workspace_id = :ws", ws)).isZero();
    }
}
