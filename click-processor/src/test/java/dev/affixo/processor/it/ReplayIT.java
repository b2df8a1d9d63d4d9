package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickOrigin;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.infra.verify.StoredClick;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.DailyTotalsCheck;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.replay.Replay;
import dev.affixo.processor.replay.ReplayArguments;
import dev.affixo.processor.replay.ReplayRange;
import dev.affixo.processor.sink.JdbiRowWriter;
import dev.affixo.processor.traffic.TrafficRules;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;

/**
 * Replay after a dedup-window change: the row count stays, labels are recomputed for the new window, and
 * a replay of a time range rewrites only rows of that range. With a new velocity threshold, traffic labels and the
 * daily totals move with it. Real Kafka, real PostgreSQL.
 */
@WithPipelineInfra
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayIT {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private static final ClickOrigin SHARED_ADDRESS = new ClickOrigin(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
                    + "Safari/537.36", "203.0.113.0/24", "ip-shared", null, null, false, false);

    private static PipelineHarness harness;
    private static long ws;
    private static final Map<String, ClickEvent> clicks = new LinkedHashMap<>();

    /**
     * Visitor X on link 1 at +0, +10, +40 and +70 min, visitor Y at +0 and +20. With the 1 h window the
     * labels are X: U D D U, Y: U D; with a 30 min window X becomes U D U U (anchor moves to +40).
     * Then a fingerprint-only click with X's fingerprint, received at +5 but sent last: it resolves to X and,
     * 65 min before X's newest unique click, is a straggler that is unique under either window without
     * moving the anchor. All of X's clicks share one record key (its fingerprint), Y's another, so the order
     * dedup sees is the send order in every run and the model's labels are exact.
     */
    @BeforeAll
    static void processWithTheOneHourWindow(PipelineInfra infra) {
        harness = new PipelineHarness(infra, "replay");
        ws = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE);
        for (int minutes : new int[] {0, 10, 40, 70}) {
            clicks.put("X+" + minutes, Clicks.cookie(ws, "X", "fp-x", 1, T0.plus(Duration.ofMinutes(minutes))));
        }
        for (int minutes : new int[] {0, 20}) {
            clicks.put("Y+" + minutes, Clicks.cookie(ws, "Y", "fp-y", 1, T0.plus(Duration.ofMinutes(minutes))));
        }
        // X and Y share an address: X+0 and Y+0, at the same time, are one velocity bucket, ranked by event id.
        for (String name : List.of("X+0", "Y+0")) {
            clicks.put(name, clicks.get(name).withOrigin(SHARED_ADDRESS));
        }
        clicks.put("FX+5", Clicks.fingerprint(ws, "fp-x", 1, T0.plus(Duration.ofMinutes(5))));
        clicks.values().forEach(harness::send);
        harness.flushProducer();

        ClickStreams live = harness.startProcessor();
        await().atMost(Duration.ofSeconds(90)).until(() -> harness.rows(ws) == 7 && harness.caughtUp());
        live.close();
        assertThat(labels()).isEqualTo(Map.of("X+0", "unique", "X+10", "duplicate", "X+40", "duplicate",
                "X+70", "unique", "Y+0", "unique", "Y+20", "duplicate", "FX+5", "unique"));
        assertThat(harness.rowsDifferingFrom(new ClickModel(Duration.ofHours(1)).expectedRows(accepted()), ws))
                .isEmpty();
        assertThat(harness.stored(ws).get(clicks.get("FX+5").eventId()).canonicalVisitorId()).isEqualTo("X");
        // Two clicks from one address in a minute: under the default threshold, both human.
        assertThat(botReasons()).isEmpty();
        DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);
    }

    /** The log as the replay reads it, checked to be exactly what this test sent. */
    private static List<ClickEvent> accepted() {
        List<ClickEvent> accepted = harness.accepted(ws);
        assertThat(accepted).containsExactlyInAnyOrderElementsOf(clicks.values());
        return accepted;
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    @Order(1)
    void dryRunSaysWhatItWouldDoAndWritesNothing() throws Exception {
        Map<String, Instant> before = processedAt();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = replay(Duration.ofMinutes(30), 30, new ReplayRange(Instant.MIN, Instant.now()), true, out);

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replay plan", "dedup window:      PT30M",
                "velocity:          more than 30 clicks per ip_hash, link and minute",
                "dry run: nothing was written.");
        assertThat(processedAt()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void replayFromEarliestWithANewWindowRelabelsInPlace() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // And a velocity threshold of one click per minute: the shared address's second click is a bot.
        int exit = replay(Duration.ofMinutes(30), 1, new ReplayRange(Instant.MIN, Instant.now()), false, out);

        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        // The summary counts every workspace's rows in the range; only this one's changed meanwhile: one more bot.
        Matcher bots = Pattern.compile("bot (\\d+) -> (\\d+)").matcher(out.toString(StandardCharsets.UTF_8));
        assertThat(bots.find()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
        assertThat(Long.parseLong(bots.group(2)) - Long.parseLong(bots.group(1))).isEqualTo(1);
        assertThat(labels()).isEqualTo(Map.of("X+0", "unique", "X+10", "duplicate", "X+40", "unique",
                "X+70", "unique", "Y+0", "unique", "Y+20", "duplicate", "FX+5", "unique"));
        assertThat(botReasons()).isEqualTo(Map.of(secondOfSharedAddress(), "velocity"));
        DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);
        // Rewritten in place: exactly the accepted event ids, every row what the 30 min model computes.
        assertThat(harness.rowsDifferingFrom(new ClickModel(Duration.ofMinutes(30)).expectedRows(accepted()), ws))
                .isEmpty();
    }

    @Test
    @Order(3)
    void replayOfATimeRangeRewritesOnlyThatRange() throws Exception {
        Map<String, Instant> before = processedAt();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // Back to the 1 h window, but only for clicks received in [+35 min, +75 min): X+40 and X+70.
        ReplayRange range = new ReplayRange(T0.plus(Duration.ofMinutes(35)), T0.plus(Duration.ofMinutes(75)));
        int exit = replay(Duration.ofHours(1), 30, range, false, out);

        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
        // The velocity bucket at +0 is outside the range: it keeps the label of the last replay that covered it.
        assertThat(botReasons()).isEqualTo(Map.of(secondOfSharedAddress(), "velocity"));
        DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);
        assertThat(labels()).isEqualTo(Map.of("X+0", "unique", "X+10", "duplicate", "X+40", "duplicate",
                "X+70", "unique", "Y+0", "unique", "Y+20", "duplicate", "FX+5", "unique"));
        // Inside the range: what the 1 h model computes over the whole log; outside: the 30 min rows stay.
        Map<String, StoredClick> expected = new ClickModel(Duration.ofMinutes(30)).expectedRows(accepted());
        new ClickModel(Duration.ofHours(1)).expectedRows(accepted()).forEach((id, row) -> {
            long at = row.receivedAtMillis();
            if (at >= range.from().toEpochMilli() && at < range.to().toEpochMilli()) {
                expected.put(id, row);
            }
        });
        assertThat(harness.rowsDifferingFrom(expected, ws)).isEmpty();
        Map<String, Instant> after = processedAt();
        for (String name : List.of("X+0", "X+10", "Y+0", "Y+20", "FX+5")) {
            assertThat(after.get(name)).as(name + " is outside the range").isEqualTo(before.get(name));
        }
        for (String name : List.of("X+40", "X+70")) {
            assertThat(after.get(name)).as(name + " was rewritten").isAfter(before.get(name));
        }
    }

    private static int replay(Duration window, int velocityMax, ReplayRange range, boolean dryRun,
                              ByteArrayOutputStream out) throws InterruptedException {
        ProcessorProperties props = harness.props.with(Map.of("dedup-window", window.toString(),
                "velocity-max-per-minute", String.valueOf(velocityMax)));
        Map<String, Object> kafka = Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.bootstrapServers(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return new Replay(props, kafka, harness.jdbi,
                new JdbiRowWriter(harness.jdbi,
                        TrafficRules.defaults().withVelocityMaxPerMinute(props.velocityMaxPerMinute())),
                new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC())
                .run(new ReplayArguments(range, dryRun));
    }

    private static Map<String, String> labels() {
        Map<String, String> byName = new LinkedHashMap<>();
        clicks.forEach((name, click) -> byName.put(name, harness.jdbi.withHandle(h -> h.createQuery(
                        "select classification from clicks where event_id = cast(:id as uuid)")
                .bind("id", click.eventId()).mapTo(String.class).one())));
        return byName;
    }

    /** X+0 or Y+0, whichever ranks second in their bucket: same received_at, so the greater event id. */
    private static String secondOfSharedAddress() {
        return clicks.get("X+0").eventId().compareTo(clicks.get("Y+0").eventId()) > 0 ? "X+0" : "Y+0";
    }

    /** The clicks labelled bot, by name, with their reason. */
    private static Map<String, String> botReasons() {
        Map<String, String> byName = new LinkedHashMap<>();
        clicks.forEach((name, click) -> harness.jdbi.useHandle(h -> h.createQuery(
                        "select bot_reason from clicks where event_id = cast(:id as uuid) and traffic = 'bot'")
                .bind("id", click.eventId()).mapTo(String.class).findOne()
                .ifPresent(reason -> byName.put(name, reason))));
        return byName;
    }

    private static Map<String, Instant> processedAt() {
        Map<String, Instant> byName = new LinkedHashMap<>();
        clicks.forEach((name, click) -> byName.put(name, harness.jdbi.withHandle(h -> h.createQuery(
                        "select processed_at from clicks where event_id = cast(:id as uuid)")
                .bind("id", click.eventId()).mapTo(Instant.class).one())));
        return byName;
    }
}
