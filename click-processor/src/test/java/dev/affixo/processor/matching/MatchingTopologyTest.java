package dev.affixo.processor.matching;

import static dev.affixo.processor.Clicks.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.MatchMethod;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.TopologyFixture;
import dev.affixo.processor.sink.AliasRow;
import dev.affixo.processor.sink.ClickRow;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MatchingTopologyTest {

    private final TopologyFixture topology = new TopologyFixture();

    @AfterEach
    void close() {
        topology.close();
    }

    @Test
    void cookieClickBelongsToItsOwnVisitor() {
        ClickEvent click = topology.send(Clicks.cookie(1, "v-alice", null, 10, T0));

        ClickRow row = topology.rows.click(click.eventId());
        assertThat(row.canonicalVisitorId()).isEqualTo("v-alice");
        assertThat(row.event().matchMethod()).isEqualTo(MatchMethod.COOKIE);
        assertThat(topology.rows.aliases()).isEmpty();
    }

    @Test
    void cookieClickWithFingerprintMakesTheFingerprintAnAliasOfItsVisitor() {
        topology.send(Clicks.cookie(1, "v-alice", "fp-1", 10, T0));

        assertThat(topology.rows.aliases()).containsExactly(new AliasRow(1, "fp-1", "v-alice", T0));
    }

    @Test
    void laterFingerprintOnlyClickResolvesToTheAliasedVisitor() {
        topology.send(Clicks.cookie(1, "v-alice", "fp-1", 10, T0));
        ClickEvent later = topology.send(Clicks.fingerprint(1, "fp-1", 11, T0.plusSeconds(60)));

        ClickRow row = topology.rows.click(later.eventId());
        assertThat(row.canonicalVisitorId()).isEqualTo("v-alice");
        assertThat(row.event().visitorId()).isEqualTo(later.visitorId()).isNotEqualTo("v-alice");
        // Stored as the API replied.
        assertThat(row.event().matchMethod()).isEqualTo(MatchMethod.FINGERPRINT);
        assertThat(row.event().matchConfidence()).isEqualTo(0.8);
    }

    @Test
    void fingerprintClickWithoutAliasKeepsItsDerivedVisitor() {
        ClickEvent click = topology.send(Clicks.fingerprint(1, "fp-unknown", 10, T0));

        assertThat(topology.rows.click(click.eventId()).canonicalVisitorId()).isEqualTo(click.visitorId());
        assertThat(topology.rows.aliases()).isEmpty();
    }

    @Test
    void newClickBelongsToItsMintedVisitor() {
        ClickEvent click = topology.send(Clicks.anonymous(1, 10, T0));

        ClickRow row = topology.rows.click(click.eventId());
        assertThat(row.canonicalVisitorId()).isEqualTo(click.visitorId());
        assertThat(row.event().matchMethod()).isEqualTo(MatchMethod.NEW);
        assertThat(row.event().matchConfidence()).isEqualTo(0.0);
    }

    @Test
    void newerCookieClickRePointsTheAlias() {
        topology.send(Clicks.cookie(1, "v-alice", "fp-shared", 10, T0));
        topology.send(Clicks.cookie(1, "v-bob", "fp-shared", 10, T0.plusSeconds(60)));
        ClickEvent later = topology.send(Clicks.fingerprint(1, "fp-shared", 10, T0.plusSeconds(120)));

        assertThat(topology.rows.click(later.eventId()).canonicalVisitorId()).isEqualTo("v-bob");
        assertThat(topology.rows.aliases()).containsExactly(new AliasRow(1, "fp-shared", "v-bob", T0.plusSeconds(60)));
    }

    @Test
    void olderCookieClickArrivingLateDoesNotRePointTheAlias() {
        topology.send(Clicks.cookie(1, "v-bob", "fp-shared", 10, T0.plusSeconds(60)));
        topology.send(Clicks.cookie(1, "v-alice", "fp-shared", 10, T0));
        ClickEvent later = topology.send(Clicks.fingerprint(1, "fp-shared", 10, T0.plusSeconds(120)));

        assertThat(topology.rows.click(later.eventId()).canonicalVisitorId()).isEqualTo("v-bob");
        assertThat(topology.rows.aliases()).containsExactly(new AliasRow(1, "fp-shared", "v-bob", T0.plusSeconds(60)));
    }

    @Test
    void cookieClickReceivedAtTheSameMillisecondAsTheAliasRePointsIt() {
        topology.send(Clicks.cookie(1, "v-alice", "fp-shared", 10, T0));
        topology.send(Clicks.cookie(1, "v-bob", "fp-shared", 10, T0));
        ClickEvent later = topology.send(Clicks.fingerprint(1, "fp-shared", 10, T0.plusSeconds(120)));

        // A tie goes to the click handled last, as a newer one would.
        assertThat(topology.rows.click(later.eventId()).canonicalVisitorId()).isEqualTo("v-bob");
        assertThat(topology.rows.aliases()).containsExactly(new AliasRow(1, "fp-shared", "v-bob", T0));
    }

    @Test
    void sameVisitorsNewerCookieClickMovesTheAliasForwardSoAnOlderClickCannotTakeIt() {
        topology.send(Clicks.cookie(1, "v-alice", "fp-shared", 10, T0));
        topology.send(Clicks.cookie(1, "v-alice", "fp-shared", 10, T0.plusSeconds(60)));
        topology.send(Clicks.cookie(1, "v-bob", "fp-shared", 10, T0.plusSeconds(30))); // older, arriving late
        ClickEvent later = topology.send(Clicks.fingerprint(1, "fp-shared", 10, T0.plusSeconds(120)));

        assertThat(topology.rows.click(later.eventId()).canonicalVisitorId()).isEqualTo("v-alice");
        assertThat(topology.rows.aliases()).containsExactly(
                new AliasRow(1, "fp-shared", "v-alice", T0.plusSeconds(60)));
    }

    @Test
    void clicksAreRepartitionedByWorkspaceAndCanonicalVisitor() {
        // The dedup partitioning documented in the README: one visitor's clicks, and only its workspace's.
        assertThat(MatchStep.canonicalKey(7, "v-alice")).isEqualTo("7:v-alice");
    }

    @Test
    void sameFingerprintInAnotherWorkspaceNeverMatches() {
        topology.send(Clicks.cookie(1, "v-alice", "fp-1", 10, T0));
        ClickEvent otherWorkspace = topology.send(Clicks.fingerprint(2, "fp-1", 20, T0.plusSeconds(60)));

        assertThat(topology.rows.click(otherWorkspace.eventId()).canonicalVisitorId())
                .isEqualTo(otherWorkspace.visitorId())
                .isNotEqualTo("v-alice");
        assertThat(topology.rows.aliases()).containsExactly(new AliasRow(1, "fp-1", "v-alice", T0));
    }

    @Test
    void sameVisitorIdInTwoWorkspacesIsDedupedSeparately() {
        ClickEvent first = topology.send(Clicks.cookie(1, "v-same", null, 10, T0));
        ClickEvent second = topology.send(Clicks.cookie(2, "v-same", null, 10, T0.plus(Duration.ofMinutes(1))));

        assertThat(topology.rows.click(first.eventId()).classification().wire()).isEqualTo("unique");
        assertThat(topology.rows.click(second.eventId()).classification().wire()).isEqualTo("unique");
    }
}
