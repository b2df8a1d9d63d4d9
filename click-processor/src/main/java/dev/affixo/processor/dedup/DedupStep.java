package dev.affixo.processor.dedup;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.EventIdSerde;
import dev.affixo.processor.InFlightClick;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import dev.affixo.processor.erasure.ErasedIdentity;
import dev.affixo.processor.erasure.ErasureFeed;
import dev.affixo.processor.erasure.ErasureLedger;
import dev.affixo.processor.sink.ClickRow;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Step 5, on the canonical-visitor partitioning: labels each click {@code unique} or {@code duplicate} by
 * {@link DedupWindow}. Labelled repeats are stored, never dropped; redeliveries were dropped before matching
 * ({@link RedeliveryStep}).
 *
 * <p>{@code unique-anchors} (visitor and link → event id of a unique click, kept dedup window + redelivery
 * horizon) is a window store timed by {@code received_at}. Streams drops its segments whole once the newest
 * {@code received_at} put into it has moved a retention past them: no scan, no punctuator, and one clock only, so
 * a replay of old data forgets exactly what the original run forgot. Record timestamps and the wall clock play no
 * part in a label.
 *
 * <p>Erasure (docs/privacy.md): the anchors of an erased person are purged ({@link AnchorPurge}) when the task starts
 * and every {@link #PURGE_INTERVAL}, a wall-clock time. So that the moment of the purge never shows in a label, a
 * click received at or after an erasure's request is never judged against an anchor of that canonical visitor from
 * before the request (it is a new, unlinked visitor's click), and a click received before it — the erased person's,
 * stored erased, whose stored row keeps its labels — sets no anchor once the erasure is known.
 */
public final class DedupStep implements FixedKeyProcessor<String, InFlightClick, StepResult<ClickRow>> {

    public static final String STEP = "dedup";
    /** How often a task looks for completed erasures to purge from its anchors (docs/privacy.md). */
    public static final Duration PURGE_INTERVAL = Duration.ofSeconds(10);

    private final String anchorStoreName;
    private final DedupWindow window;
    private final long windowMillis;
    private FixedKeyProcessorContext<String, StepResult<ClickRow>> context;
    private WindowStore<VisitorLinkKey, UUID> uniqueAnchors;
    private final ErasureFeed erasures;
    private ErasureLedger erased;

    public DedupStep(String anchorStoreName, Duration dedupWindow) {
        this(anchorStoreName, dedupWindow, ErasureFeed.NONE);
    }

    /** @param erasures completed erasures, whose people's anchors this step forgets */
    public DedupStep(String anchorStoreName, Duration dedupWindow, ErasureFeed erasures) {
        this.erasures = erasures;
        this.anchorStoreName = anchorStoreName;
        this.window = new DedupWindow(dedupWindow);
        this.windowMillis = dedupWindow.toMillis();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, StepResult<ClickRow>> context) {
        this.context = context;
        this.uniqueAnchors = context.getStateStore(anchorStoreName);
        this.erased = new ErasureLedger(erasures);
        AnchorPurge purge = new AnchorPurge(erased);
        purge.purge(uniqueAnchors);
        context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> purge.purge(uniqueAnchors));
    }

    /** What the stores say about a click, read before anything is changed. */
    private record Verdict(UUID id, VisitorLinkKey key, Long lastUnique) {
    }

    @Override
    public void process(FixedKeyRecord<String, InFlightClick> record) {
        InFlightClick click = record.value();
        Verdict verdict;
        try {
            verdict = look(click.event(), click.canonicalVisitorId());
        } catch (RuntimeException e) {
            // Only reads happen in here, so a click that breaks dedup changed no state before it is dead-lettered.
            // Failures below (state, the sink's write, a bug downstream) fail the task instead.
            context.forward(record.withValue(
                    StepResult.failed(new DeadLetter(click.original(), click.source(), STEP,
                            DeadLetterReason.PROCESSING_FAILED, String.valueOf(e.getMessage())))));
            return;
        }
        long receivedAt = click.event().receivedAt().toEpochMilli();
        Classification label = window.classify(verdict.lastUnique(), receivedAt);
        if (isNewAnchor(label, verdict.lastUnique(), receivedAt) && !ofErasedPerson(verdict.key(), click.event())) {
            uniqueAnchors.put(verdict.key(), verdict.id(), receivedAt);
        }
        context.forward(record.withValue(StepResult.ok(
                new ClickRow(click.event(), click.canonicalVisitorId(), label, click.source(), click.original()))));
    }

    private Verdict look(ClickEvent event, String canonicalVisitorId) {
        VisitorLinkKey key = VisitorLinkKey.of(event, canonicalVisitorId);
        return new Verdict(EventIdSerde.of(event.eventId()), key, lastUnique(key, event.receivedAt().toEpochMilli()));
    }

    /**
     * received_at of the latest unique click of this visitor on this link, or null when it cannot make this click
     * a duplicate. Anchors at or before {@code t − window} cannot, so the fetch starts after it; but the latest
     * anchor overall decides, not the nearest, so it ends at {@code Long.MAX_VALUE}: an older anchor inside
     * {@code (t − W, t + W)} must not hide a newer one at {@code t + W} or later.
     */
    private Long lastUnique(VisitorLinkKey key, long receivedAt) {
        Long latest;
        try (WindowStoreIterator<UUID> anchors =
                     uniqueAnchors.backwardFetch(key, Math.max(0, receivedAt - windowMillis + 1), Long.MAX_VALUE)) {
            latest = anchors.hasNext() ? anchors.next().key : null;
        }
        return latest == null || !erasedSince(key, latest, receivedAt) ? latest : null;
    }

    /**
     * Whether the canonical visitor was erased between its latest anchor and this click: requested after the
     * anchor's click, at or before this one. Then every anchor in reach is the erased person's (the latest is before
     * the request), and this click — a new visitor's — is judged as if there were none.
     */
    private boolean erasedSince(VisitorLinkKey key, long anchorMillis, long receivedAt) {
        if (!erased.hasErasures(key.workspaceId())) {
            return false;
        }
        Instant erasedAt = erased.erasedAtOrBefore(key.workspaceId(), ErasedIdentity.VISITOR,
                key.canonicalVisitorId(), Instant.ofEpochMilli(receivedAt));
        return erasedAt != null && Instant.ofEpochMilli(anchorMillis).isBefore(erasedAt);
    }

    /** A click received before an erasure of its canonical visitor: the erased person's, it anchors nothing. */
    private boolean ofErasedPerson(VisitorLinkKey key, ClickEvent event) {
        return erased.hasErasures(key.workspaceId()) && erased.erasesClickAt(key.workspaceId(),
                ErasedIdentity.VISITOR, key.canonicalVisitorId(), event.receivedAt());
    }

    /** A unique click anchors the window, unless it is a straggler older than the anchor: that never moves back. */
    private static boolean isNewAnchor(Classification label, Long lastUnique, long receivedAt) {
        return label == Classification.UNIQUE && (lastUnique == null || receivedAt > lastUnique);
    }
}
