package dev.affixo.infra.verify;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickKeys;
import dev.affixo.common.MatchMethod;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reference model of visitor matching and dedup (docs/click-processor.md) that reliability tests judge the stored rows
 * by: plain Java, no Kafka, no state stores, written from the rules rather than from the processor's code,
 * so a defect in {@code MatchStep}, {@code DedupStep} or {@code DedupWindow} shows up as a difference.
 *
 * <p>Rules, applied to the events one at a time in the order given:
 * <ul>
 *   <li><b>Redelivery</b>: an event id seen before produces nothing (its first copy's row stands), and
 *       matching does not see the copy either: the processor drops it before matching. (Letting the copy
 *       re-point its alias is not harmless: when another visitor's click took the alias at the very same
 *       {@code received_at}, the copy would hand it back; a jqwik run found exactly that.)</li>
 *   <li><b>Matching</b>: a {@code cookie} click resolves to its own visitor id; if it carries a fingerprint,
 *       that fingerprint (per workspace) becomes an alias of the visitor unless the alias was last set by a
 *       cookie click received <em>later</em> (latest {@code received_at} wins; an older click never moves it;
 *       on a tie the click handled later wins). A {@code fingerprint} click with a fingerprint resolves to the
 *       alias's visitor if there is one, else to its own (derived) visitor id. Anything else resolves to its
 *       own visitor id.</li>
 *   <li><b>Dedup</b>, per (workspace, canonical visitor, link), anchored on the received_at of the last
 *       unique click: no anchor, or {@code |received_at − anchor| >= window} → {@code unique}; less →
 *       {@code duplicate}. A unique click moves the anchor only forwards (a straggler unique more than a
 *       window before the anchor leaves it where it is).</li>
 * </ul>
 *
 * <h2>Which order — why a test may compare exactly</h2>
 * The processor does not see clicks in global time order. Matching runs on the ingest partitioning (record
 * key {@code <ws>:f:<fingerprint>}, else {@code <ws>:v:<visitor>}), dedup on a repartition by
 * {@code <ws>:<canonical visitor>} whose partitions interleave records from several upstream partitions.
 * What is fixed is: (1) matching sees the records of one record key in topic order, and (2) dedup sees the
 * clicks of one canonical visitor that came from one record key in that same order (one upstream task
 * writes them to one repartition partition in order; exactly-once discards what an aborted attempt wrote).
 * Matching state is per fingerprint key and every click that reads or writes an alias has that key, so
 * (1) makes matching a function of per-key topic order. Dedup state is per (canonical visitor, link), so
 * the labels are a function of the order in which each such group arrives, which (2) fixes only for groups
 * whose clicks share one record key.
 *
 * <p>Hence {@link #run} gives exactly the real outcome when the given order agrees with per-key topic
 * order (a topic read back partition by partition does; so does the send order of a test that sends each
 * key's clicks one after another) <em>and</em> for every (canonical visitor, link) group either
 * <ol>
 *   <li>all its clicks share one record key — e.g. every click of a visitor carries the visitor's
 *       fingerprint, and fingerprint-only clicks carry the same one — or</li>
 *   <li>its clicks from different keys are causally ordered: a later one is sent only after the earlier
 *       ones' rows were in PostgreSQL, so dedup had already handled them, or</li>
 *   <li>the outcome is order-free: every pair of its clicks is at least a window apart (all unique), or —
 *       for the canonical visitor and label counts, not for which event id is the unique one — all of them
 *       lie within less than one window (exactly one unique, whatever arrives first).</li>
 * </ol>
 * Tests must say which of these their traffic satisfies. Outside them the real labels depend on timing and
 * only {@link #invariantViolations} (what holds in every order) can be checked.
 *
 * <p>Not modelled, because no test traffic reaches it: forgetting event ids and anchors older than the
 * seen-event retention (test traffic spans far less than that), and a redelivered fingerprint-only click
 * that resolves to a different canonical visitor than its first copy did: its copy lands in another dedup
 * task that has not seen the id and re-labels the row, which contradicts "stored once" (reproduced by
 * {@code RedeliveryAfterAliasMovedIT}); tests redeliver only while aliases are stable.
 */
public final class ClickModel {

    /** What the model says one event's row must hold. */
    public record Expected(ClickEvent event, String canonicalVisitorId, String classification) {

        public Expected {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(canonicalVisitorId, "canonicalVisitorId");
            Objects.requireNonNull(classification, "classification");
        }

        /** The row this expectation describes, in the shape {@link StoredClick#readAll} reads rows back. */
        public StoredClick row() {
            return StoredClick.of(event, canonicalVisitorId, classification);
        }
    }

    public static final String UNIQUE = "unique";
    public static final String DUPLICATE = "duplicate";

    private final long windowMillis;

    public ClickModel(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.windowMillis = window.toMillis();
    }

    /** The processor's default window (1 hour, docs/click-processor.md). */
    public static ClickModel withDefaultWindow() {
        return new ClickModel(Duration.ofHours(1));
    }

    /**
     * Runs matching and dedup over {@code events} in the given order (see the class comment for which
     * orders give the real outcome); returns event id → expected row, one per distinct event id, in order
     * of first appearance.
     */
    public Map<String, Expected> run(List<ClickEvent> events) {
        Map<String, Alias> aliases = new HashMap<>();
        Map<String, Long> anchors = new HashMap<>();
        Map<String, Expected> out = new LinkedHashMap<>();
        for (ClickEvent e : events) {
            if (out.containsKey(e.eventId())) {
                continue;
            }
            String canonical = match(e, aliases);
            out.put(e.eventId(), new Expected(e, canonical, label(e, canonical, anchors)));
        }
        return Collections.unmodifiableMap(out);
    }

    /** {@link #run}, as the rows it expects: event id → row. */
    public Map<String, StoredClick> expectedRows(List<ClickEvent> events) {
        Map<String, StoredClick> rows = new LinkedHashMap<>();
        run(events).forEach((id, expected) -> rows.put(id, expected.row()));
        return rows;
    }

    private record Alias(long receivedAtMillis, String visitorId) {
    }

    private static String match(ClickEvent e, Map<String, Alias> aliases) {
        if (e.fingerprint() == null) {
            return e.visitorId();
        }
        String key = ClickKeys.fingerprintKey(e.workspaceId(), e.fingerprint());
        if (e.matchMethod() == MatchMethod.COOKIE) {
            long at = e.receivedAt().toEpochMilli();
            Alias current = aliases.get(key);
            if (current == null || current.receivedAtMillis() <= at) {
                aliases.put(key, new Alias(at, e.visitorId()));
            }
            return e.visitorId();
        }
        if (e.matchMethod() == MatchMethod.FINGERPRINT) {
            Alias alias = aliases.get(key);
            return alias != null ? alias.visitorId() : e.visitorId();
        }
        return e.visitorId();
    }

    private String label(ClickEvent e, String canonical, Map<String, Long> anchors) {
        String group = e.workspaceId() + ":" + canonical + ":" + e.linkId();
        long at = e.receivedAt().toEpochMilli();
        Long anchor = anchors.get(group);
        if (anchor != null && Math.abs(at - anchor) < windowMillis) {
            return DUPLICATE;
        }
        if (anchor == null || at > anchor) {
            anchors.put(group, at);
        }
        return UNIQUE;
    }

    /**
     * What holds for stored rows in <em>every</em> order the processor may handle a group's clicks in, for
     * traffic outside the exact-comparison conditions: each (workspace, canonical visitor, link) group that
     * has rows has at least one {@code unique} row, and every {@code duplicate} row lies less than a window
     * from some {@code unique} row of its group (a click is a duplicate only of an anchor, and anchors are
     * unique clicks). Returns one line per violation; empty when there is none.
     */
    public List<String> invariantViolations(Map<String, StoredClick> stored) {
        Map<String, List<StoredClick>> groups = new HashMap<>();
        stored.values().forEach(row -> groups.computeIfAbsent(
                row.workspaceId() + ":" + row.canonicalVisitorId() + ":" + row.linkId(), g -> new java.util.ArrayList<>())
                .add(row));
        List<String> violations = new java.util.ArrayList<>();
        groups.forEach((group, rows) -> {
            List<Long> uniques = rows.stream().filter(r -> UNIQUE.equals(r.classification()))
                    .map(StoredClick::receivedAtMillis).toList();
            if (uniques.isEmpty()) {
                violations.add(group + ": no unique click");
            }
            for (StoredClick row : rows) {
                if (DUPLICATE.equals(row.classification())
                        && uniques.stream().noneMatch(u -> Math.abs(row.receivedAtMillis() - u) < windowMillis)) {
                    violations.add(group + ": duplicate " + row.eventId() + " is a window or more from every unique");
                }
            }
        });
        return violations;
    }
}
