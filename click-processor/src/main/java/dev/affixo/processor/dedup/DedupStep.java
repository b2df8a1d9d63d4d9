package dev.affixo.processor.dedup;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.EventIdSerde;
import dev.affixo.processor.InFlightClick;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import dev.affixo.processor.sink.ClickRow;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Step 4, on the canonical-visitor partitioning: drops a click already seen (same event id and request — a
 * producer retry, or a retried request with the same Idempotency-Key), dead-letters one whose event id was seen
 * with another request (one Idempotency-Key, two bodies, which the API could not check: the first stays) and
 * labels the rest {@code unique} or {@code duplicate} by {@link DedupWindow}. Labelled repeats are stored,
 * never dropped. Two bodies that land on different partitions here are caught by the sink's write instead.
 *
 * <p>Both stores are window stores timed by {@code received_at}: {@code seen-event-ids} (event id → request
 * hash, kept {@code seenEventRetention}) and {@code unique-anchors} (visitor and link → event id of a unique
 * click, kept dedup window + retention). Streams drops their segments whole once the newest {@code received_at}
 * put into a store has moved a retention past them: no scan, no punctuator, and one clock only, so a replay of
 * old data forgets exactly what the original run forgot. Record timestamps and the wall clock play no part.
 */
public final class DedupStep implements FixedKeyProcessor<String, InFlightClick, StepResult<ClickRow>> {

    public static final String STEP = "dedup";

    private final String seenStoreName;
    private final String anchorStoreName;
    private final DedupWindow window;
    private final long windowMillis;
    private FixedKeyProcessorContext<String, StepResult<ClickRow>> context;
    private WindowStore<UUID, Long> seenEventIds;
    private WindowStore<VisitorLinkKey, UUID> uniqueAnchors;

    public DedupStep(String seenStoreName, String anchorStoreName, Duration dedupWindow) {
        this.seenStoreName = seenStoreName;
        this.anchorStoreName = anchorStoreName;
        this.window = new DedupWindow(dedupWindow);
        this.windowMillis = dedupWindow.toMillis();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, StepResult<ClickRow>> context) {
        this.context = context;
        this.seenEventIds = context.getStateStore(seenStoreName);
        this.uniqueAnchors = context.getStateStore(anchorStoreName);
    }

    /** What the stores say about a click, read before anything is changed. */
    private record Verdict(boolean seen, boolean otherRequest, UUID id, long requestHash, VisitorLinkKey key,
                           Long lastUnique) {
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
        if (verdict.seen()) {
            if (verdict.otherRequest()) {
                context.forward(record.withValue(StepResult.failed(new DeadLetter(click.original(),
                        click.source(), STEP, DeadLetterReason.IDEMPOTENCY_KEY_REUSED,
                        "event id already seen with other request fields: one Idempotency-Key, two bodies"))));
            }
            return;
        }
        long receivedAt = click.event().receivedAt().toEpochMilli();
        seenEventIds.put(verdict.id(), verdict.requestHash(), receivedAt);
        Classification label = window.classify(verdict.lastUnique(), receivedAt);
        if (isNewAnchor(label, verdict.lastUnique(), receivedAt)) {
            uniqueAnchors.put(verdict.key(), verdict.id(), receivedAt);
        }
        context.forward(record.withValue(StepResult.ok(
                new ClickRow(click.event(), click.canonicalVisitorId(), label, click.source()))));
    }

    private Verdict look(ClickEvent event, String canonicalVisitorId) {
        UUID id = EventIdSerde.of(event.eventId());
        long requestHash = SeenEvent.requestHash(event);
        Long firstHash = firstRequestHash(id);
        if (firstHash != null) {
            return new Verdict(true, firstHash != requestHash, id, requestHash, null, null);
        }
        VisitorLinkKey key = VisitorLinkKey.of(event, canonicalVisitorId);
        return new Verdict(false, false, id, requestHash, key, lastUnique(key, event.receivedAt().toEpochMilli()));
    }

    /**
     * The request hash the event id was first seen with, or null. A retried request gets the same event id but a
     * new received_at, earlier or later, so every live entry counts, not one around this click's time.
     */
    private Long firstRequestHash(UUID id) {
        try (WindowStoreIterator<Long> seen = seenEventIds.fetch(id, 0L, Long.MAX_VALUE)) {
            return seen.hasNext() ? seen.next().value : null;
        }
    }

    /**
     * received_at of the latest unique click of this visitor on this link, or null when it cannot make this click
     * a duplicate. Anchors at or before {@code t − window} cannot, so the fetch starts after it; but the latest
     * anchor overall decides, not the nearest, so it ends at {@code Long.MAX_VALUE}: an older anchor inside
     * {@code (t − W, t + W)} must not hide a newer one at {@code t + W} or later.
     */
    private Long lastUnique(VisitorLinkKey key, long receivedAt) {
        try (WindowStoreIterator<UUID> anchors =
                     uniqueAnchors.backwardFetch(key, Math.max(0, receivedAt - windowMillis + 1), Long.MAX_VALUE)) {
            return anchors.hasNext() ? anchors.next().key : null;
        }
    }

    /** A unique click anchors the window, unless it is a straggler older than the anchor: that never moves back. */
    private static boolean isNewAnchor(Classification label, Long lastUnique, long receivedAt) {
        return label == Classification.UNIQUE && (lastUnique == null || receivedAt > lastUnique);
    }
}
