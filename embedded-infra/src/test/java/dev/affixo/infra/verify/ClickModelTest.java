package dev.affixo.infra.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.MatchMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model must be right before it judges anything: each rule, and each boundary, on its own. */
class ClickModelTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration WINDOW = Duration.ofHours(1);
    private final ClickModel model = new ClickModel(WINDOW);
    private int ids;

    private ClickEvent click(String visitor, MatchMethod method, String fingerprint, long link, Instant at) {
        String id = String.format("00000000-0000-7000-8000-%012d", ids++);
        return new ClickEvent(id, 1, link, 100 + link, null, "ref-" + link, visitor, method,
                method == MatchMethod.COOKIE ? 1.0 : 0.8, fingerprint, "https://shop.example/p", null, 7, null, at);
    }

    private ClickEvent cookie(String visitor, String fingerprint, Instant at) {
        return click(visitor, MatchMethod.COOKIE, fingerprint, 1, at);
    }

    private ClickEvent fingerprintOnly(String fingerprint, Instant at) {
        return click("derived-" + fingerprint, MatchMethod.FINGERPRINT, fingerprint, 1, at);
    }

    private Map<String, ClickModel.Expected> run(ClickEvent... events) {
        return model.run(List.of(events));
    }

    private static String outcome(Map<String, ClickModel.Expected> result, ClickEvent e) {
        ClickModel.Expected x = result.get(e.eventId());
        return x.canonicalVisitorId() + "/" + x.classification();
    }

    @Test
    void repeatOneMillisecondInsideTheWindowIsDuplicateAndExactlyOneWindowLaterIsUnique() {
        ClickEvent first = cookie("A", null, T0);
        ClickEvent inside = cookie("A", null, T0.plus(WINDOW).minusMillis(1));
        ClickEvent atWindow = cookie("A", null, T0.plus(WINDOW));

        var result = run(first, inside, atWindow);

        assertThat(outcome(result, first)).isEqualTo("A/unique");
        assertThat(outcome(result, inside)).isEqualTo("A/duplicate");
        assertThat(outcome(result, atWindow)).isEqualTo("A/unique");
    }

    @Test
    void windowIsAnchoredOnTheLastUniqueNotOnTheLastClick() {
        ClickEvent u = cookie("A", null, T0);
        ClickEvent d1 = cookie("A", null, T0.plus(Duration.ofMinutes(40)));
        ClickEvent d2 = cookie("A", null, T0.plus(Duration.ofMinutes(59)));
        ClickEvent u2 = cookie("A", null, T0.plus(Duration.ofMinutes(60)));

        var result = run(u, d1, d2, u2);

        assertThat(List.of(outcome(result, d1), outcome(result, d2), outcome(result, u2)))
                .containsExactly("A/duplicate", "A/duplicate", "A/unique");
    }

    @Test
    void sameMillisecondRepeatIsDuplicateWhicheverComesFirst() {
        ClickEvent a = cookie("A", null, T0);
        ClickEvent b = cookie("A", null, T0);

        assertThat(outcome(run(a, b), b)).isEqualTo("A/duplicate");
        assertThat(outcome(run(b, a), a)).isEqualTo("A/duplicate");
    }

    @Test
    void outOfOrderClickLessThanAWindowBeforeTheAnchorIsDuplicate() {
        ClickEvent anchor = cookie("A", null, T0.plus(Duration.ofMinutes(90)));
        ClickEvent late = cookie("A", null, T0.plus(Duration.ofMinutes(31)));

        assertThat(outcome(run(anchor, late), late)).isEqualTo("A/duplicate");
    }

    @Test
    void stragglerUniqueNeverMovesTheAnchorBackwards() {
        ClickEvent anchor = cookie("A", null, T0.plus(Duration.ofHours(5)));
        ClickEvent straggler = cookie("A", null, T0); // 5 h before the anchor: unique
        ClickEvent afterAnchor = cookie("A", null, T0.plus(Duration.ofHours(5)).plus(Duration.ofMinutes(30)));
        ClickEvent nearStraggler = cookie("A", null, T0.plus(Duration.ofMinutes(30)));

        var result = run(anchor, straggler, afterAnchor, nearStraggler);

        assertThat(outcome(result, straggler)).isEqualTo("A/unique");
        // Still measured from the 5 h anchor, not from the straggler.
        assertThat(outcome(result, afterAnchor)).isEqualTo("A/duplicate");
        assertThat(outcome(result, nearStraggler)).isEqualTo("A/unique");
    }

    @Test
    void labelsAreKeptApartPerLinkAndPerVisitor() {
        ClickEvent a1 = cookie("A", null, T0);
        ClickEvent aOtherLink = click("A", MatchMethod.COOKIE, null, 2, T0.plusSeconds(1));
        ClickEvent b1 = cookie("B", null, T0.plusSeconds(2));

        var result = run(a1, aOtherLink, b1);

        assertThat(outcome(result, aOtherLink)).isEqualTo("A/unique");
        assertThat(outcome(result, b1)).isEqualTo("B/unique");
    }

    @Test
    void redeliveredEventIdYieldsOneRowWithTheFirstCopysOutcome() {
        ClickEvent first = cookie("A", null, T0);
        ClickEvent second = cookie("A", null, T0.plusSeconds(10));

        var result = run(first, second, first, second);

        assertThat(result).hasSize(2);
        assertThat(outcome(result, first)).isEqualTo("A/unique");
        assertThat(outcome(result, second)).isEqualTo("A/duplicate");
    }

    @Test
    void fingerprintOnlyClickResolvesToTheVisitorWhoseCookieClickCarriedTheFingerprint() {
        ClickEvent aliasing = cookie("A", "fp", T0);
        ClickEvent fpOnly = fingerprintOnly("fp", T0.plusSeconds(60));
        ClickEvent unaliased = fingerprintOnly("other", T0.plusSeconds(60));

        var result = run(aliasing, fpOnly, unaliased);

        assertThat(outcome(result, fpOnly)).isEqualTo("A/duplicate");
        assertThat(outcome(result, unaliased)).isEqualTo("derived-other/unique");
    }

    @Test
    void fingerprintOnlyClickBeforeTheAliasExistsKeepsItsOwnVisitor() {
        ClickEvent fpOnly = fingerprintOnly("fp", T0.plusSeconds(60));
        ClickEvent aliasing = cookie("A", "fp", T0);

        assertThat(outcome(run(fpOnly, aliasing), fpOnly)).isEqualTo("derived-fp/unique");
    }

    @Test
    void latestCookieClickByReceivedAtOwnsTheAliasAndAnOlderOneNeverMovesIt() {
        ClickEvent newer = cookie("B", "fp", T0.plusSeconds(100));
        ClickEvent older = cookie("A", "fp", T0.plusSeconds(50)); // arrives later, received earlier
        ClickEvent fpOnly = fingerprintOnly("fp", T0.plusSeconds(200));

        assertThat(outcome(run(newer, older, fpOnly), fpOnly)).isEqualTo("B/duplicate");

        ClickEvent newest = cookie("C", "fp", T0.plusSeconds(150));
        assertThat(outcome(run(newer, newest, fpOnly), fpOnly)).isEqualTo("C/duplicate");
    }

    @Test
    void onATieTheCookieClickHandledLaterOwnsTheAlias() {
        ClickEvent a = cookie("A", "fp", T0);
        ClickEvent b = cookie("B", "fp", T0);
        ClickEvent fpOnly = fingerprintOnly("fp", T0.plusSeconds(1));

        assertThat(outcome(run(a, b, fpOnly), fpOnly)).isEqualTo("B/duplicate");
        assertThat(outcome(run(b, a, fpOnly), fpOnly)).isEqualTo("A/duplicate");
    }

    @Test
    void aliasesDoNotCrossWorkspaces() {
        ClickEvent aliasing = cookie("A", "fp", T0);
        ClickEvent otherWs = new ClickEvent("00000000-0000-7000-8000-999999999999", 2, 1, 101, null, "ref-1",
                "derived-fp", MatchMethod.FINGERPRINT, 0.8, "fp", null, null, 7, null, T0.plusSeconds(1));

        assertThat(outcome(run(aliasing, otherWs), otherWs)).isEqualTo("derived-fp/unique");
    }

    @Test
    void newVisitorWithAFingerprintNeitherUsesNorMakesAnAlias() {
        ClickEvent aliasing = cookie("A", "fp", T0);
        ClickEvent fresh = click("minted", MatchMethod.NEW, "fp", 1, T0.plusSeconds(1));

        assertThat(outcome(run(aliasing, fresh), fresh)).isEqualTo("minted/unique");
    }

    @Test
    void expectedRowCarriesEveryRequestField() {
        ClickEvent e = cookie("A", "fp", T0.plusNanos(1_500_000));

        StoredClick row = model.expectedRows(List.of(e)).get(e.eventId());

        assertThat(row).isEqualTo(new StoredClick(e.eventId(), 1, 1, 101, null, "ref-1", "A", "cookie", 1.0f, "fp",
                "https://shop.example/p", null, 7, null, T0.toEpochMilli() + 1, "A", "unique"));
    }

    @Test
    void invariantsHoldForEveryOrderOfAGroupButCatchAnOrphanDuplicate() {
        List<ClickEvent> clicks = new ArrayList<>();
        for (int m : new int[] {0, 30, 60, 61, 130}) {
            clicks.add(cookie("A", null, T0.plus(Duration.ofMinutes(m))));
        }
        for (List<ClickEvent> order : List.of(clicks, List.of(clicks.get(4), clicks.get(3), clicks.get(2), clicks.get(1), clicks.get(0)),
                List.of(clicks.get(2), clicks.get(0), clicks.get(4), clicks.get(1), clicks.get(3)))) {
            assertThat(model.invariantViolations(model.expectedRows(order))).as(order.toString()).isEmpty();
        }

        var rows = new java.util.LinkedHashMap<>(model.expectedRows(clicks));
        StoredClick last = rows.get(clicks.get(4).eventId()); // unique at +130, > 1 h from every other unique
        rows.put(last.eventId(), StoredClick.of(clicks.get(4), "A", ClickModel.DUPLICATE));
        assertThat(model.invariantViolations(rows)).hasSize(1);
    }

    @Test
    void differencesNameMissingExtraAndDifferingRowsColumnByColumn() {
        ClickEvent a = cookie("A", null, T0);
        ClickEvent b = cookie("A", null, T0.plusSeconds(1));
        ClickEvent c = cookie("B", null, T0);
        Map<String, StoredClick> expected = model.expectedRows(List.of(a, b));
        Map<String, StoredClick> stored = new java.util.LinkedHashMap<>(model.expectedRows(List.of(a, c)));
        stored.put(a.eventId(), StoredClick.of(a, "A", ClickModel.DUPLICATE));

        assertThat(StoredClick.differences(expected, stored)).containsExactly(
                "row " + a.eventId() + ": classification expected <unique> but was <duplicate>",
                "missing row " + expected.get(b.eventId()),
                "unexpected row " + stored.get(c.eventId()));
        assertThat(StoredClick.differences(expected, expected)).isEmpty();
    }

    @Test
    void rejectsANonPositiveWindow() {
        assertThatThrownBy(() -> new ClickModel(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
