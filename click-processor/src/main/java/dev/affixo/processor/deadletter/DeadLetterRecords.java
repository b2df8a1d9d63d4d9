package dev.affixo.processor.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Turns a failed step result into the dead-letter record (original bytes, reason in headers) and counts it. */
public final class DeadLetterRecords<T> implements FixedKeyProcessor<String, StepResult<T>, byte[]> {

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
        Headers headers = new RecordHeaders(record.headers().toArray());
        put(headers, DeadLetterHeaders.REASON, letter.reason());
        put(headers, DeadLetterHeaders.REASON_CODE, letter.code().code());
        put(headers, DeadLetterHeaders.STEP, letter.step());
        put(headers, DeadLetterHeaders.TIMESTAMP, clock.instant().toString());
        put(headers, DeadLetterHeaders.SOURCE, letter.source());
        context.forward(record.withValue(letter.original()).withHeaders(headers));
        metrics.count(letter.code());
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
