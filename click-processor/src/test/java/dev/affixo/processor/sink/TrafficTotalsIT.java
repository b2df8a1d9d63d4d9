package dev.affixo.processor.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.ClickOrigin;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.DailyTotalsCheck;
import dev.affixo.processor.dedup.Classification;
import dev.affixo.processor.traffic.TrafficRules;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traffic labels and daily totals as the sink writes them, against real PostgreSQL. Every check compares whole
 * result sets: the labels of every row with a small reference model of the rules, and {@code link_daily_totals}
 * with a {@code group by} over {@code clicks}.
 */
@WithPipelineInfra
class TrafficTotalsIT {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
    private static final int N = 3;

    private static Jdbi jdbi;

    @BeforeAll
    static void migrate(PipelineInfra infra) {
        Flyway.configure().dataSource(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword())
                .locations("classpath:db/migration").load().migrate();
        jdbi = Jdbi.create(infra.dataSource());
    }

    private static JdbiRowWriter writer(int velocityMax) {
        return new JdbiRowWriter(jdbi, TrafficRules.defaults().withVelocityMaxPerMinute(velocityMax));
    }

    private static long newWorkspace() {
        return ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE);
    }

    private static ClickEvent click(long ws, long link, Instant at, String userAgent, String ipHash, boolean hosting) {
        return Clicks.cookie(ws, "v-" + ipHash, null, link, at)
                .withOrigin(new ClickOrigin(userAgent, "203.0.113.0/24", ipHash, "NL", 64496L, hosting, false));
    }

    private static ClickRow row(ClickEvent e, Classification c) {
        return ClickRow.of(e, "v-" + e.origin().ipHash(), c);
    }

    @Test
    void theClickPastTheLimitInOneMinuteIsVelocityAndOtherMinutesAndLinksAreNot() {
        long ws = newWorkspace();
        List<ClickRow> rows = new ArrayList<>();
        for (int i = 0; i <= N; i++) {
            rows.add(row(click(ws, 1, T0.plusSeconds(i), CHROME, "ip-a", false), Classification.UNIQUE));
        }
        rows.add(row(click(ws, 1, T0.plusSeconds(60), CHROME, "ip-a", false), Classification.UNIQUE));
        rows.add(row(click(ws, 2, T0.plusSeconds(5), CHROME, "ip-a", false), Classification.UNIQUE));
        rows.add(row(click(ws, 1, T0.plusSeconds(5), CHROME, "ip-b", false), Classification.UNIQUE));
        writer(N).write(new RowBatch(rows, List.of()));

        Map<String, String> labels = storedReasons(ws);
        assertThat(labels.get(rows.get(N).event().eventId())).isEqualTo("velocity");
        assertThat(labels.values().stream().filter(r -> r != null).toList()).containsExactly("velocity");
        assertThat(labels).isEqualTo(model(rows, N));
        assertTotalsAreAGroupBy(ws);
    }

    @Test
    void labelsDoNotDependOnArrivalOrderOrOnWhichWriterStoredWhich() throws Exception {
        long ws = newWorkspace();
        List<ClickRow> rows = mixedTraffic(ws, new Random(14));
        List<ClickRow> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(7));
        // Two writers, each taking every other click in small batches, at the same time: a bot rotating cookies
        // lands on many partitions and so on many tasks.
        List<List<ClickRow>> halves = List.of(new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < shuffled.size(); i++) {
            halves.get(i % 2).add(shuffled.get(i));
        }
        List<CompletableFuture<Void>> writers = halves.stream().map(half -> CompletableFuture.runAsync(() -> {
            JdbiRowWriter w = writer(N);
            for (int i = 0; i < half.size(); i += 5) {
                w.write(new RowBatch(half.subList(i, Math.min(i + 5, half.size())), List.of()));
            }
        })).toList();
        for (CompletableFuture<Void> w : writers) {
            w.get();
        }

        assertThat(storedReasons(ws)).isEqualTo(model(rows, N));
        assertTotalsAreAGroupBy(ws);
    }

    @Test
    void totalsStayAGroupByAfterRedeliveryACrashRewriteAndAReplayWithANewThreshold() {
        long ws = newWorkspace();
        List<ClickRow> rows = mixedTraffic(ws, new Random(41));
        List<ClickRow> first = rows.subList(0, rows.size() / 2);
        writer(N).write(new RowBatch(first, List.of()));
        assertThat(storedReasons(ws)).isEqualTo(model(first, N));
        assertTotalsAreAGroupBy(ws);

        // Redelivery after dedup forgot the event ids: labelled anew, and the live writer keeps what was stored.
        List<ClickRow> relabelled = first.stream().map(r -> row(r.event(), Classification.DUPLICATE)).toList();
        writer(N).write(new RowBatch(relabelled, List.of()));
        assertThat(storedReasons(ws)).isEqualTo(model(first, N));
        assertTotalsAreAGroupBy(ws);

        // A crash after the write committed and before the pending rows were forgotten: they come again, with
        // the rest of the traffic.
        writer(N).write(new RowBatch(rows, List.of()));
        assertThat(storedReasons(ws)).isEqualTo(model(rows, N));
        assertTotalsAreAGroupBy(ws);

        // A replay with a lower threshold and another dedup result for a third of the clicks.
        List<ClickRow> replayed = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            replayed.add(i % 3 == 0 ? row(rows.get(i).event(), Classification.DUPLICATE) : rows.get(i));
        }
        writer(1).write(new RowBatch(replayed, List.of(), true));
        assertThat(storedReasons(ws)).isEqualTo(model(rows, 1));
        assertThat(storedClassifications(ws)).isEqualTo(classifications(replayed));
        assertTotalsAreAGroupBy(ws);

        // And back up: velocity bots turn human again.
        writer(N + 10).write(new RowBatch(replayed, List.of(), true));
        assertThat(storedReasons(ws)).isEqualTo(model(rows, N + 10));
        assertThat(storedReasons(ws).values()).doesNotContain("velocity");
        assertTotalsAreAGroupBy(ws);
    }

    @Test
    void goldenVersion2RecordIsStoredWithItsOriginAndLabels() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/golden/click-event-v2.json")) {
            bytes = in.readAllBytes();
        }
        ClickEvent event = ClickEventCodec.decode(bytes);
        jdbi.useHandle(h -> {
            h.execute("delete from clicks where workspace_id = 42 and event_id = ?::uuid", event.eventId());
            h.execute("delete from click_keyed_events where workspace_id = 42 and event_id = ?::uuid", event.eventId());
            h.execute("delete from link_daily_totals where workspace_id = 42");
        });
        writer(N).write(new RowBatch(List.of(ClickRow.of(event, event.visitorId(), Classification.UNIQUE)), List.of()));

        Map<String, Object> stored = jdbi.withHandle(h -> h.createQuery("""
                        select user_agent, ip_prefix, ip_hash, country, asn, traffic, bot_reason, device_class, agent_name
                        from clicks where workspace_id = 42 and event_id = :id::uuid""")
                .bind("id", event.eventId()).mapToMap().one());
        assertThat(stored).containsEntry("user_agent", event.origin().userAgent())
                .containsEntry("ip_prefix", "81.2.69.0/24")
                .containsEntry("ip_hash", "5f2b3c0e6a1d4e9f8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f")
                .containsEntry("country", "GB").containsEntry("asn", 15169L)
                // A Chrome user agent from a hosting provider's address.
                .containsEntry("traffic", "bot").containsEntry("bot_reason", "hosting_network")
                .containsEntry("device_class", "Desktop").containsEntry("agent_name", "Chrome");
        assertTotalsAreAGroupBy(42);
    }

    /**
     * Three links, two minutes, a few ip hashes (one of them a busy one), browsers, a crawler, a preview fetcher,
     * a hosting network and clicks without an IP; every click a random time in its minute.
     */
    private static List<ClickRow> mixedTraffic(long ws, Random random) {
        List<ClickRow> rows = new ArrayList<>();
        String[] agents = {CHROME, CHROME, CHROME, GOOGLEBOT, SLACKBOT, null};
        String[] ips = {"ip-busy", "ip-busy", "ip-busy", "ip-busy", "ip-c", "ip-d", null};
        for (int i = 0; i < 60; i++) {
            long link = 1 + random.nextInt(3);
            Instant at = T0.plusSeconds(60L * random.nextInt(2)).plusMillis(random.nextInt(60_000));
            String ip = ips[random.nextInt(ips.length)];
            ClickEvent e = click(ws, link, at, agents[random.nextInt(agents.length)], ip, random.nextInt(10) == 0);
            if (ip == null) {
                e = e.withOrigin(new ClickOrigin(e.origin().userAgent(), null, null, null, null,
                        e.origin().hostingNetwork(), false));
            }
            rows.add(row(e, random.nextBoolean() ? Classification.UNIQUE : Classification.DUPLICATE));
        }
        return rows;
    }

    /** The reference model: event id → bot_reason (null for human), computed from the rows alone. */
    private static Map<String, String> model(List<ClickRow> rows, int velocityMax) {
        Map<String, String> reasons = new TreeMap<>();
        Map<String, List<ClickEvent>> buckets = new HashMap<>();
        for (ClickRow row : rows) {
            ClickEvent e = row.event();
            String ua = e.origin().userAgent();
            String reason = SLACKBOT.equals(ua) ? "link_preview"
                    : GOOGLEBOT.equals(ua) ? "robot_user_agent"
                    : e.origin().hostingNetwork() ? "hosting_network" : null;
            reasons.put(e.eventId(), reason);
            if (e.origin().ipHash() != null) {
                buckets.computeIfAbsent(e.linkId() + "/" + e.origin().ipHash() + "/"
                        + e.receivedAt().truncatedTo(ChronoUnit.MINUTES), k -> new ArrayList<>()).add(e);
            }
        }
        for (List<ClickEvent> bucket : buckets.values()) {
            bucket.sort(Comparator.comparing(ClickEvent::receivedAt).thenComparing(ClickEvent::eventId));
            for (int rank = velocityMax; rank < bucket.size(); rank++) {
                reasons.computeIfPresent(bucket.get(rank).eventId(), (id, r) -> r);
                if (reasons.get(bucket.get(rank).eventId()) == null) {
                    reasons.put(bucket.get(rank).eventId(), "velocity");
                }
            }
        }
        return reasons;
    }

    private static Map<String, String> classifications(List<ClickRow> rows) {
        return rows.stream().collect(Collectors.toMap(r -> r.event().eventId(), r -> r.classification().wire(),
                (a, b) -> b, TreeMap::new));
    }

    private static Map<String, String> storedReasons(long ws) {
        Map<String, String> reasons = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select event_id::text as id, traffic, bot_reason from clicks where workspace_id = :ws""")
                .bind("ws", ws).mapToMap().forEach(r -> {
                    assertThat(r.get("traffic")).isEqualTo(r.get("bot_reason") == null ? "human" : "bot");
                    reasons.put((String) r.get("id"), (String) r.get("bot_reason"));
                }));
        return reasons;
    }

    private static Map<String, String> storedClassifications(long ws) {
        Map<String, String> labels = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("select event_id::text as id, classification from clicks where workspace_id = :ws")
                .bind("ws", ws).mapToMap().forEach(r -> labels.put((String) r.get("id"), (String) r.get("classification"))));
        return labels;
    }

    private static void assertTotalsAreAGroupBy(long ws) {
        DailyTotalsCheck.assertTotalsAreAGroupBy(jdbi, ws);
    }
}
