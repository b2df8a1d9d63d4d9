package dev.affixo.processor.dedup;

import dev.affixo.processor.EventIdSerde;
import dev.affixo.processor.InFlightClick;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Step 2, before matching, on the ingest partitioning: drops a click whose event id was seen with the same
 * request (a producer retry, a retried request with the same Idempotency-Key) and dead-letters one seen with
 * another request (one Idempotency-Key, two bodies, which the API could not check: the first stays).
 *
 * <p>Why here and not after matching: every copy of one request has the same record key (it is made of the
 * request's workspace and fingerprint or visitor id), so all copies meet in this one task, in offset order, and
 * the first copy always wins. After matching they need not meet: a fingerprint-only copy resolves through the
 * alias as it is when the copy arrives, and once the alias has moved, the copy goes to another visitor's dedup
 * task that never saw the event id and would label it anew. Two bodies under one key whose record keys differ
 * do not meet here either; the sink's guarded write catches those.
 *
 * <p>{@code seen-event-ids} is a window store timed by {@code received_at} (event id → request hash, kept
 * {@code seen-event-retention}): Streams drops its segments whole, with no scan, and the one clock means a
 * replay forgets what the original run forgot.
 */
public final class RedeliveryStep implements FixedKeyProcessor<String, InFlightClick, StepResult<InFlightClick>> {

    public static final String STEP = "redelivery";

    private final String seenStoreName;
    private FixedKeyProcessorContext<String, StepResult<InFlightClick>> context;
    private WindowStore<UUID, Long> seenEventIds;

    public RedeliveryStep(String seenStoreName) {
        this.seenStoreName = seenStoreName;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, StepResult<InFlightClick>> context) {
        this.context = context;
        this.seenEventIds = context.getStateStore(seenStoreName);
    }

    @Override
    public void process(FixedKeyRecord<String, InFlightClick> record) {
        InFlightClick click = record.value();
        UUID id = EventIdSerde.of(click.event().eventId());
        long requestHash = SeenEvent.requestHash(click.event());
        Long firstHash = firstRequestHash(id);
        if (firstHash == null) {
            seenEventIds.put(id, requestHash, click.event().receivedAt().toEpochMilli());
            context.forward(record.withValue(StepResult.ok(click)));
        } else if (firstHash != requestHash) {
            context.forward(record.withValue(StepResult.failed(new DeadLetter(click.original(), click.source(), STEP,
                    DeadLetterReason.IDEMPOTENCY_KEY_REUSED,
                    "event id already seen with other request fields: one Idempotency-Key, two bodies"))));
        }
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
}
