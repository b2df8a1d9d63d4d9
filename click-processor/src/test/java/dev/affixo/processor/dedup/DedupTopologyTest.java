package dev.affixo.processor.dedup;

import static dev.affixo.processor.Clicks.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.TopologyFixture;
import dev.affixo.processor.config.ProcessorProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DedupTopologyTest {

    private static final Duration WINDOW = Duration.ofHours(1);

    private TopologyFixture topology = new TopologyFixture();

    @AfterEach
    void close() {
        topology.close();
    }

    private ClickEvent clickAt(Instant at) {
        return topology.send(Clicks.cookie(1, "v-alice", null, 10, at));
    }

    private String label(ClickEvent click) {
        return topology.rows.click(click.eventId()).classification().wire();
    }

    @Test
    void firstClickOfAVisitorOnALinkIsUnique() {
        assertThat(label(clickAt(T0))).isEqualTo("unique");
    }

    @Test
    void repeatOneMillisecondBeforeTheWindowEndsIsDuplicate() {
        clickAt(T0);
        ClickEvent repeat = clickAt(T0.plus(WINDOW).minusMillis(1));

        assertThat(label(repeat)).isEqualTo("duplicate");
    }

    @Test
    void repeatExactlyOneWindowLaterIsUniqueAgain() {
        clickAt(T0);
        ClickEvent repeat = clickAt(T0.plus(WINDOW));

        assertThat(label(repeat)).isEqualTo("unique");
    }

    @Test
    void repeatAtTheSameMillisecondIsDuplicate() {
        clickAt(T0);
        assertThat(label(clickAt(T0))).isEqualTo("duplicate");
    }

    @Test
    void windowIsMeasuredFromTheLastUniqueClickNotTheLastClick() {
        ClickEvent first = clickAt(T0);
        ClickEvent at40 = clickAt(T0.plus(Duration.ofMinutes(40)));
        ClickEvent at80 = clickAt(T0.plus(Duration.ofMinutes(80)));   // 40 min after the last click
        ClickEvent at100 = clickAt(T0.plus(Duration.ofMinutes(100))); // 20 min after the new unique one

        assertThat(label(first)).isEqualTo("unique");
        assertThat(label(at40)).isEqualTo("duplicate");
        assertThat(label(at80)).isEqualTo("unique");
        assertThat(label(at100)).isEqualTo("duplicate");
    }

    @Test
    void repeatsAreStoredNotDropped() {
        for (int i = 0; i < 5; i++) {
            clickAt(T0.plusSeconds(i));
        }
        assertThat(topology.rows.clicks()).hasSize(5);
        assertThat(topology.rows.clicks()).filteredOn(r -> r.classification() == Classification.UNIQUE).hasSize(1);
    }

    @Test
    void slightlyOutOfOrderClickBeforeTheLastUniqueIsDuplicate() {
        clickAt(T0);
        ClickEvent straggler = clickAt(T0.minus(WINDOW).plusMillis(1));

        assertThat(label(straggler)).isEqualTo("duplicate");
    }

    @Test
    void outOfOrderClickAWholeWindowEarlierIsUniqueAndDoesNotMoveTheAnchorBack() {
        clickAt(T0);
        ClickEvent old = clickAt(T0.minus(WINDOW));
        ClickEvent afterFirst = clickAt(T0.plus(Duration.ofMinutes(30)));

        assertThat(label(old)).isEqualTo("unique");
        assertThat(label(afterFirst)).isEqualTo("duplicate");
    }

    @Test
    void otherLinksAndOtherVisitorsHaveTheirOwnWindows() {
        clickAt(T0);
        ClickEvent otherLink = topology.send(Clicks.cookie(1, "v-alice", null, 11, T0.plusSeconds(1)));
        ClickEvent otherVisitor = topology.send(Clicks.cookie(1, "v-bob", null, 10, T0.plusSeconds(2)));

        assertThat(label(otherLink)).isEqualTo("unique");
        assertThat(label(otherVisitor)).isEqualTo("unique");
    }

    @Test
    void fingerprintClickResolvedToACookieVisitorIsDedupedWithThatVisitor() {
        ClickEvent cookie = topology.send(Clicks.cookie(1, "v-alice", "fp-1", 10, T0));
        ClickEvent byFingerprint = topology.send(Clicks.fingerprint(1, "fp-1", 10, T0.plusSeconds(60)));

        assertThat(label(cookie)).isEqualTo("unique");
        assertThat(label(byFingerprint)).isEqualTo("duplicate");
    }

    @Test
    void sameEventIdTwiceIsStoredOnce() {
        ClickEvent click = clickAt(T0);
        topology.send(click); // producer retry: identical record

        assertThat(topology.rows.clicks()).hasSize(1);
        assertThat(topology.rows.clickWrites()).hasSize(1);
        assertThat(label(click)).isEqualTo("unique");
    }

    @Test
    void dedupWindowIsConfigurable() {
        topology.close();
        topology = new TopologyFixture(ProcessorProperties.defaults("clicks", "dead-letters", "topology-test")
                .with(Map.of("dedup-window", "PT10M")));

        clickAt(T0);
        ClickEvent at9 = clickAt(T0.plus(Duration.ofMinutes(10)).minusMillis(1));
        ClickEvent at10 = clickAt(T0.plus(Duration.ofMinutes(10)));

        assertThat(label(at9)).isEqualTo("duplicate");
        assertThat(label(at10)).isEqualTo("unique");
    }

    @Test
    void eventIdsAreForgottenAfterTheRetention() {
        topology.close();
        topology = new TopologyFixture(ProcessorProperties.defaults("clicks", "dead-letters", "topology-test")
                .with(Map.of("dedup-window", WINDOW.toString(), "seen-event-retention", "PT2H")));

        ClickEvent click = clickAt(T0);
        // Time moves on, past the retention (two records: the purge runs between records).
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(3))));
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(5))));
        topology.send(click);

        // Seen again after retention: written again, landing on the same row.
        assertThat(topology.rows.clickWrites()).filteredOn(r -> r.event().eventId().equals(click.eventId())).hasSize(2);
        assertThat(topology.rows.clicks()).hasSize(3);
    }

    /**
     * The default retention is a day of received_at (README): a redelivery up to then is dropped before it is
     * written; one after it is written again (the writer keeps the stored row, JdbiRowWriterIT).
     */
    @Test
    void byDefaultEventIdsAreRememberedForADayOfReceivedAt() {
        ClickEvent early = clickAt(T0);
        ClickEvent late = topology.send(Clicks.cookie(1, "v-bob", null, 10, T0.plusSeconds(1)));
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(24)).minusSeconds(1)));
        topology.send(late);
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(25))));
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(26))));
        topology.send(early);

        assertThat(topology.rows.clickWrites()).filteredOn(r -> r.event().eventId().equals(late.eventId()))
                .as("redelivered 24 h - 2 s after it was received: dropped").hasSize(1);
        assertThat(topology.rows.clickWrites()).filteredOn(r -> r.event().eventId().equals(early.eventId()))
                .as("redelivered after 26 h of received_at: written again").hasSize(2);
    }

    @Test
    void redeliveryIsCaughtWhateverTheRecordTimestamps() {
        ClickEvent click = topology.send(Clicks.cookie(1, "v-alice", null, 10, T0), T0.plus(Duration.ofDays(30)));
        // Record timestamps far ahead of received_at must not make the purge forget recent event ids.
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plusSeconds(1)), T0.plus(Duration.ofDays(60)));
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plusSeconds(2)), T0.plus(Duration.ofDays(90)));
        topology.send(click, T0.plus(Duration.ofDays(91)));

        assertThat(topology.rows.clickWrites()).filteredOn(r -> r.event().eventId().equals(click.eventId())).hasSize(1);
    }

    @Test
    void aStragglerIsJudgedAgainstTheLatestAnchorNotTheNearest() {
        clickAt(T0);
        ClickEvent latest = clickAt(T0.plus(Duration.ofHours(2)));
        // 30 min after the anchor at T0, but 90 min before the latest one: the latest decides.
        ClickEvent straggler = clickAt(T0.plus(Duration.ofMinutes(30)));
        ClickEvent afterLatest = clickAt(T0.plus(Duration.ofMinutes(150)));

        assertThat(label(latest)).isEqualTo("unique");
        assertThat(label(straggler)).isEqualTo("unique");
        assertThat(label(afterLatest)).as("the straggler did not move the anchor back").isEqualTo("duplicate");
    }

    /** Defaults, with the dedup window {@link #WINDOW} and a redelivery horizon of two hours. */
    private void withTwoHourRetention() {
        topology.close();
        topology = new TopologyFixture(ProcessorProperties.defaults("clicks", "dead-letters", "topology-test")
                .with(Map.of("dedup-window", WINDOW.toString(), "seen-event-retention", "PT2H",
                        "write-retry-budget", "PT1S", "thread-restart-backoff", "PT0S")));
    }

    private long writesOf(ClickEvent click) {
        return topology.rows.clickWrites().stream().filter(r -> r.event().eventId().equals(click.eventId())).count();
    }

    @Test
    void eventIdIsRememberedUntilTheNewestReceivedAtIsOneRetentionPastIt() {
        withTwoHourRetention();
        ClickEvent click = clickAt(T0);
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(2)).minusMillis(1)));
        topology.send(click);

        assertThat(writesOf(click)).isEqualTo(1);
    }

    @Test
    void eventIdIsForgottenExactlyOneRetentionAfterItByReceivedAt() {
        withTwoHourRetention();
        ClickEvent click = clickAt(T0);
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(2))));
        topology.send(click);

        assertThat(writesOf(click)).isEqualTo(2);
    }

    @Test
    void eventIdsExpireByReceivedAtEvenWhenRecordTimestampsStandStill() {
        withTwoHourRetention();
        ClickEvent click = topology.send(Clicks.cookie(1, "v-alice", null, 10, T0), T0);
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(3))), T0);
        topology.send(click, T0);

        assertThat(writesOf(click)).isEqualTo(2);
    }

    @Test
    void aStragglerWithinWindowPlusRetentionStillFindsItsAnchor() {
        withTwoHourRetention();
        clickAt(T0);
        // Anchors live window + retention = 3 h after their received_at; here the newest is 2.5 h on.
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofMinutes(150))));
        ClickEvent straggler = clickAt(T0.plus(Duration.ofMinutes(30)));

        assertThat(label(straggler)).isEqualTo("duplicate");
    }

    @Test
    void anAnchorIsForgottenOnceReceivedAtMovesWindowPlusRetentionPastIt() {
        withTwoHourRetention();
        clickAt(T0);
        topology.send(Clicks.cookie(1, "v-other", null, 10, T0.plus(Duration.ofHours(3))));
        // Older than the redelivery horizon: treated as new, as documented (state stays bounded).
        ClickEvent straggler = clickAt(T0.plus(Duration.ofMinutes(30)));

        assertThat(label(straggler)).isEqualTo("unique");
    }
}
