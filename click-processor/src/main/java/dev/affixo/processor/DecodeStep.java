package dev.affixo.processor;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.common.ClickText;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Step 1: accepted-clicks bytes → {@link ClickEvent}, any wire version.
 *
 * <p>Besides what the codec checks, it applies the API's own definition of a valid click
 * ({@link ClickText#firstProblem(ClickEvent)}: Unicode text without U+0000 or unpaired surrogates, limits in
 * code points) and requires a canonical UUID event id. PostgreSQL would refuse a NUL and silently turn an
 * unpaired surrogate into {@code '?'}; caught here, such a record is one dead letter instead of a batch that
 * fails on every retry and stalls the partition, or a row that differs from what was accepted.
 */
final class DecodeStep implements FixedKeyProcessor<String, byte[], StepResult<InFlightClick>> {

    static final String STEP = "decode";

    private FixedKeyProcessorContext<String, StepResult<InFlightClick>> context;

    @Override
    public void init(FixedKeyProcessorContext<String, StepResult<InFlightClick>> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        String source = Sources.of(context);
        byte[] bytes = record.value();
        StepResult<InFlightClick> result;
        try {
            ClickEvent event = ClickEventCodec.decode(bytes);
            checkStorable(event);
            result = StepResult.ok(new InFlightClick(bytes, source, event, null));
        } catch (RuntimeException e) {
            DeadLetterReason code = e instanceof UnstorableEventException ? DeadLetterReason.UNSTORABLE
                    : DeadLetterReason.UNREADABLE;
            result = StepResult.failed(new DeadLetter(bytes == null ? new byte[0] : bytes, source, STEP, code,
                    e.getMessage()));
        }
        context.forward(record.withValue(result));
    }

    private static void checkStorable(ClickEvent e) {
        if (!isCanonicalUuid(e.eventId())) {
            throw new UnstorableEventException("event_id is not a UUID");
        }
        String problem = ClickText.firstProblem(e);
        if (problem != null) {
            throw new UnstorableEventException(problem);
        }
    }

    /**
     * The 36-character lowercase form every id of ours is written in. Java's parser also takes short forms
     * ("1-2-3-4-5") that PostgreSQL refuses, and upper case, which PostgreSQL would store as the same row as
     * the lowercase id while the dedup store and the sink's batch see two events.
     */
    private static boolean isCanonicalUuid(String id) {
        try {
            return UUID.fromString(id).toString().equals(id);
        } catch (IllegalArgumentException notUuid) {
            return false;
        }
    }

    /** A readable event PostgreSQL would reject; anything else thrown here means the bytes are unreadable. */
    private static final class UnstorableEventException extends IllegalArgumentException {

        UnstorableEventException(String message) {
            super(message);
        }
    }
}
