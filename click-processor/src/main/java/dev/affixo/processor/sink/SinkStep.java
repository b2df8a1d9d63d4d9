package dev.affixo.processor.sink;

import dev.affixo.processor.EventIdSerde;
import dev.affixo.processor.deadletter.DeadLetter;
import dev.affixo.processor.deadletter.DeadLetterReason;
import dev.affixo.processor.deadletter.StepResult;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Step 5: keeps each labelled click in the task's {@code pending-click-rows} store and writes the pending rows to
 * PostgreSQL every {@code writeInterval} (wall clock) or when {@code maxBatchRows} are pending
 * ({@link PendingRows}). The clicks a write refuses (an event id already stored with another body) are
 * dead-lettered right there, in the same punctuation or record, so in the same Kafka transaction as the deletes
 * of the rows that write stored.
 */
public final class SinkStep implements Processor<String, ClickRow, String, StepResult<Void>> {

    public static final String STEP = "sink";

    private final String pendingStoreName;
    private final RowWriter writer;
    private final int maxBatchRows;
    private final Duration writeInterval;
    private ProcessorContext<String, StepResult<Void>> context;
    private PendingRows<UUID, ClickRow> pending;

    public SinkStep(String pendingStoreName, RowWriter writer, int maxBatchRows, Duration writeInterval) {
        this.pendingStoreName = pendingStoreName;
        this.writer = writer;
        this.maxBatchRows = maxBatchRows;
        this.writeInterval = writeInterval;
    }

    @Override
    public void init(ProcessorContext<String, StepResult<Void>> context) {
        this.context = context;
        KeyValueStore<UUID, ClickRow> store = context.getStateStore(pendingStoreName);
        this.pending = new PendingRows<>(store, rows -> new RowBatch(rows, List.of()), writer, maxBatchRows);
        // Wall clock, not stream time: rows must reach PostgreSQL even when no further record comes.
        context.schedule(writeInterval, PunctuationType.WALL_CLOCK_TIME, now -> deadLetter(pending.write()));
    }

    @Override
    public void process(Record<String, ClickRow> record) {
        ClickRow row = record.value();
        RowTrace trace = RowTrace.of(record.headers(), context.currentSystemTimeMs());
        if (trace != null) {
            row = row.withTrace(trace); // the write span of a sampled click (docs/tracing.md)
        }
        UUID id = EventIdSerde.of(row.event().eventId());
        ClickRow earlier = pending.get(id);
        if (earlier != null && !earlier.event().sameRequestAs(row.event())) {
            // One row per event id is pending. A second body must not replace the first before it is stored:
            // write the first now, and the write's guard then refuses the second, as for any stored first body.
            deadLetter(pending.write());
        }
        deadLetter(pending.add(id, row));
    }

    @Override
    public void close() {
        pending.close();
    }

    private void deadLetter(List<ClickRow> refused) {
        for (ClickRow row : refused) {
            DeadLetter letter = new DeadLetter(row.accepted(), row.source(), STEP,
                    DeadLetterReason.IDEMPOTENCY_KEY_REUSED,
                    "event id already stored with other request fields: one Idempotency-Key, two bodies");
            context.forward(new Record<>(row.event().recordKey(), StepResult.<Void>failed(letter),
                    row.event().receivedAt().toEpochMilli()));
        }
    }
}
