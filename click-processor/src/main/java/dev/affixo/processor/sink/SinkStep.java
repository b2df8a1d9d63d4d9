package dev.affixo.processor.sink;

import dev.affixo.common.ClickEventCodec;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Step 5: hands each labelled click to the task's {@link PendingRowsStore}, which writes it before the commit,
 * and dead-letters the clicks the writer refused (an event id already stored with another body).
 *
 * <p>Refusals found by an early write (a full batch) go out with the record that caused the write. Those found
 * by the write at a commit can only go out in the next transaction, so a punctuation hands them over within
 * {@link #HAND_OVER_EVERY} even when no record follows. Should the instance die in that gap, the refused
 * click's dead letter is lost, never the stored click: it stays as first stored, the refusal was counted and
 * logged when it happened, and a replay finds the same refusal again.
 */
public final class SinkStep implements Processor<String, ClickRow, String, StepResult<Void>> {

    public static final String STEP = "sink";
    static final Duration HAND_OVER_EVERY = Duration.ofMillis(100);

    private final String pendingStoreName;
    private ProcessorContext<String, StepResult<Void>> context;
    private PendingRowsStore pendingRows;

    public SinkStep(String pendingStoreName) {
        this.pendingStoreName = pendingStoreName;
    }

    @Override
    public void init(ProcessorContext<String, StepResult<Void>> context) {
        this.context = context;
        this.pendingRows = context.getStateStore(pendingStoreName);
        context.schedule(HAND_OVER_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> deadLetterRefused());
    }

    @Override
    public void process(Record<String, ClickRow> record) {
        pendingRows.add(record.value());
        deadLetterRefused();
    }

    private void deadLetterRefused() {
        for (ClickRow row : pendingRows.takeRefused()) {
            DeadLetter letter = new DeadLetter(ClickEventCodec.encode(row.event()), row.source(), STEP,
                    DeadLetterReason.IDEMPOTENCY_KEY_REUSED,
                    "event id already stored with other request fields: one Idempotency-Key, two bodies");
            context.forward(new Record<>(row.event().recordKey(), StepResult.<Void>failed(letter),
                    row.event().receivedAt().toEpochMilli()));
        }
    }
}
