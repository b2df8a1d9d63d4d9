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
 * Step 5, on the canonical-visitor partitioning: labels each click {@code unique} or {@code duplicate} by
 * {@link DedupWindow}. Labelled repeats are stored, never dropped; redeliveries were dropped before matching
 * ({@link RedeliveryStep}).
 *
 * <p>{@code unique-anchors} (visitor and link → event id of a unique click, kept dedup window + redelivery
 * horizon) is a window store timed by {@code received_at}. Streams drops its segments whole once the newest
 * {@code received_at} put into it has moved a retention past them: no scan, no punctuator, and one clock only, so
 * a replay of old data forgets exactly what the original run forgot. Record timestamps and the wall clock play no
 * part.
 */
public final class DedupStep implements FixedKeyProcessor<String, InFlightClick, StepResult<ClickRow>> {

    public static final String STEP = "dedup";

    private final String anchorStoreName;
    private final DedupWindow window;
    private final long windowMillis;
    private FixedKeyProcessorContext<String, StepResult<ClickRow>> context;
    private WindowStore<VisitorLinkKey, UUID> uniqueAnchors;

    public DedupStep(String anchorStoreName, Duration dedupWindow) {
        this.anchorStoreName = anchorStoreName;
        this.window = new DedupWindow(dedupWindow);
        this.windowMillis = dedupWindow.toMillis();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, StepResult<ClickRow>> context) {
        this.context = context;
        this.uniqueAnchors = context.getStateStore(anchorStoreName);
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
        if (isNewAnchor(label, verdict.lastUnique(), receivedAt)) {
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
