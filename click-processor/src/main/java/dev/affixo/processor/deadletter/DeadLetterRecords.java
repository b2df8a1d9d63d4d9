package dev.affixo.processor.deadletter;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failed step result into the dead-letter record (original bytes, reason in headers) and counts it.
 *
 * <p>Only the ingest API writes the accepted-clicks topic, and it answered 200 for every event on it. So a dead
 * letter whose bytes are a readable click event is a click we said yes to and did not store — a defect (or,
 * for {@code idempotency_key_reused}, a client's misuse the API could not catch) — and is made loud: the
 * metric's {@code accepted_event="true"} and a WARN line with the event id (no key material, no field values).
 */
public final class DeadLetterRecords<T> implements FixedKeyProcessor<String, StepResult<T>, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRecords.class);

    private final Clock clock;
    private final DeadLetterMetrics metrics;
    private FixedKeyProcessorContext<String, byte[]> context;

    public DeadLetterRecords(Clock clock, DeadLetterMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, StepResult<T>> record) {
        if (!(record.value() instanceof StepResult.Failed<T> failed)) {
            return;
        }
        DeadLetter letter = failed.letter();
        // The record's own headers, amended: a dead letter ends here, so no other branch sees the change.
        Headers headers = record.headers();
        put(headers, DeadLetterHeaders.REASON, letter.reason());
        put(headers, DeadLetterHeaders.REASON_CODE, letter.code().code());
        put(headers, DeadLetterHeaders.STEP, letter.step());
        put(headers, DeadLetterHeaders.TIMESTAMP, clock.instant().toString());
        put(headers, DeadLetterHeaders.SOURCE, letter.source());
        context.forward(record.withValue(letter.original()));
        String acceptedEventId = acceptedEventId(letter.original());
        metrics.count(letter.code(), acceptedEventId != null);
        if (acceptedEventId != null) {
            log.warn("Accepted click dead-lettered, not stored: event_id={} reason={} step={} source={}",
                    acceptedEventId, letter.code().code(), letter.step(), letter.source());
        }
    }

    /** The event id when the bytes are a readable click event, else null (never thrown: this is the error path). */
    private static String acceptedEventId(byte[] original) {
        try {
            ClickEvent event = ClickEventCodec.decode(original);
            return event.eventId();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
