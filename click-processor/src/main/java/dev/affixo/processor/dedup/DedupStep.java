package dev.affixo.processor.dedup;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.InFlightClick;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.SinkUnavailableException;
import java.time.Duration;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Step 4, on the canonical-visitor partitioning: drops a click already seen (same event id and request — a
 * producer retry, or a retried request with the same Idempotency-Key), dead-letters one whose event id was seen
 * with another request (one Idempotency-Key, two bodies, which the API could not check: the first stays) and
 * labels the rest {@code unique} or {@code duplicate} by {@link DedupWindow}. Labelled repeats are stored,
 * never dropped. Two bodies that land on different partitions here are caught by the sink's write instead.
 *
 * <p>Both stores are purged periodically: an event id is remembered for {@code seenEventRetention}, which
 * is how far back a redelivery is caught here (further back, the sink's upsert by event id still stores it
 * once). Age is measured on one clock only, {@code received_at}: entries older than the newest
 * {@code received_at} this task has seen minus the retention go. Not wall-clock time and not record
 * timestamps, so a replay of old data purges exactly what the original run purged.
 */
public final class DedupStep implements FixedKeyProcessor<String, InFlightClick, StepResult<ClickRow>> {

    public static final String STEP = "dedup";

    private final String seenStoreName;
    private final String lastUniqueStoreName;
    private final DedupWindow window;
    private final Duration retention;
    private FixedKeyProcessorContext<String, StepResult<ClickRow>> context;
    private KeyValueStore<String, byte[]> seenEvents;
    private KeyValueStore<String, Long> lastUnique;
    /** Newest received_at seen by this task instance; purging waits until there is one. */
    private long newestReceivedAt = Long.MIN_VALUE;

    public DedupStep(String seenStoreName, String lastUniqueStoreName, Duration dedupWindow, Duration retention) {
        this.seenStoreName = seenStoreName;
        this.lastUniqueStoreName = lastUniqueStoreName;
        this.window = new DedupWindow(dedupWindow);
        this.retention = retention;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, StepResult<ClickRow>> context) {
        this.context = context;
        this.seenEvents = context.getStateStore(seenStoreName);
        this.lastUnique = context.getStateStore(lastUniqueStoreName);
        // A full scan per purge: often enough to bound the stores, rarely enough to cost nothing.
        Duration every = retention.compareTo(Duration.ofHours(1)) < 0 ? retention : Duration.ofHours(1);
        context.schedule(every, PunctuationType.STREAM_TIME, this::forgetOlderThanRetention);
    }

    @Override
    public void process(FixedKeyRecord<String, InFlightClick> record) {
        InFlightClick click = record.value();
        try {
            ClickEvent event = click.event();
            SeenEvent seen = seenBefore(event);
            if (seen != null) {
                if (seen.isOtherRequestThan(event)) {
                    context.forward(record.withValue(StepResult.failed(new DeadLetter(click.original(),
                            click.source(), STEP, DeadLetterReason.IDEMPOTENCY_KEY_REUSED,
                            "event id already seen with other request fields: one Idempotency-Key, two bodies"))));
                }
                return;
            }
            rememberSeen(event);
            newestReceivedAt = Math.max(newestReceivedAt, event.receivedAt().toEpochMilli());
            Classification label = classify(event, click.canonicalVisitorId());
            context.forward(record.withValue(StepResult.ok(
                    new ClickRow(event, click.canonicalVisitorId(), label, click.source()))));
        } catch (SinkUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            context.forward(record.withValue(
                    StepResult.failed(new DeadLetter(click.original(), click.source(), STEP,
                            DeadLetterReason.PROCESSING_FAILED, String.valueOf(e.getMessage())))));
        }
    }

    private SeenEvent seenBefore(ClickEvent event) {
        byte[] seen = seenEvents.get(event.eventId());
        return seen == null ? null : SeenEvent.parse(seen);
    }

    private void rememberSeen(ClickEvent event) {
        seenEvents.put(event.eventId(), SeenEvent.of(event).bytes());
    }

    private Classification classify(ClickEvent event, String canonicalVisitor) {
        String key = event.workspaceId() + ":" + canonicalVisitor + ":" + event.linkId();
        long receivedAt = event.receivedAt().toEpochMilli();
        Long last = lastUnique.get(key);
        Classification label = window.classify(last, receivedAt);
        if (label == Classification.UNIQUE && (last == null || receivedAt > last)) {
            // An old straggler that is unique must not move the anchor backwards.
            lastUnique.put(key, receivedAt);
        }
        return label;
    }

    private void forgetOlderThanRetention(long streamTime) {
        if (newestReceivedAt == Long.MIN_VALUE) {
            return;
        }
        long cutoff = newestReceivedAt - retention.toMillis();
        purge(seenEvents, cutoff, value -> SeenEvent.parse(value).receivedAtMillis());
        purge(lastUnique, cutoff, value -> value);
    }

    private static <V> void purge(KeyValueStore<String, V> store, long cutoff, ToLongFunction<V> receivedAt) {
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> entry = all.next();
                if (receivedAt.applyAsLong(entry.value) < cutoff) {
                    store.delete(entry.key);
                }
            }
        }
    }
}
