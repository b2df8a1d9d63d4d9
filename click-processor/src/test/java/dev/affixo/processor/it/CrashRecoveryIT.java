package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.infra.verify.StoredClick;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.DailyTotalsCheck;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.RowBatch;
import dev.affixo.processor.sink.RowWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The processor dies after PostgreSQL committed a batch but before Kafka committed the offsets that batch
 * covers. The replacement stream thread (new consumer, new transactional producer that fences the old one)
 * starts from the last committed offsets, rebuilds the stores from their changelogs as of that commit, and
 * writes the same rows again, which the upserts land on the same rows.
 */
@WithPipelineInfra
class CrashRecoveryIT {

    /** Passes writes through; right after the first successful click batch, the "process" dies. */
    static final class CrashAfterFirstWrite implements RowWriter {
        final RowWriter delegate;
        final AtomicBoolean crashed = new AtomicBoolean();
        final Map<String, AtomicInteger> writesPerEvent = new ConcurrentHashMap<>();

        CrashAfterFirstWrite(RowWriter delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<ClickRow> write(RowBatch batch) {
            List<ClickRow> refused = delegate.write(batch);
            batch.clicks().forEach(r -> writesPerEvent.computeIfAbsent(r.event().eventId(), k -> new AtomicInteger())
                    .incrementAndGet());
            if (!batch.clicks().isEmpty() && crashed.compareAndSet(false, true)) {
                // An Error, not an exception: nothing in between may retry it; the stream thread dies here,
                // with the rows committed in PostgreSQL and the offsets not committed in Kafka.
                throw new Error("simulated crash between writing rows and committing offsets");
            }
            return refused;
        }
    }

    @Test
    void crashBetweenWritingRowsAndCommittingOffsetsLosesAndDoublesNothing(PipelineInfra infra) {
        try (PipelineHarness harness = new PipelineHarness(infra, "crash")) {
            long ws = ClickPipelineIT.newWorkspace();
            Map<ClickEvent, String> expected = ClickPipelineIT.scenario(ws);
            ClickPipelineIT.sendInOrder(harness, expected.keySet());

            CrashAfterFirstWrite[] writer = new CrashAfterFirstWrite[1];
            ClickStreams processor = harness.startProcessor(real -> writer[0] = new CrashAfterFirstWrite(real));

            await().atMost(Duration.ofSeconds(90)).until(harness::caughtUp);
            assertThat(writer[0].crashed).isTrue();
            assertThat(processor.state()).isEqualTo(KafkaStreams.State.RUNNING);
            // Every accepted click once, every column as sent, visitor and label as the model computes them
            // (each visitor's clicks share one record key: exact, see ClickPipelineIT.scenario).
            List<ClickEvent> accepted = harness.accepted(ws);
            assertThat(accepted).hasSize(expected.size());
            assertThat(harness.rowsDifferingFrom(ClickModel.withDefaultWindow().expectedRows(accepted), ws)).isEmpty();
            assertThat(harness.labels(ws)).isEqualTo(ClickPipelineIT.byEventId(expected));
            // Proof the crash hit between rows and offsets: some rows were written, then reprocessed and rewritten.
            Set<String> rewritten = writer[0].writesPerEvent.entrySet().stream()
                    .filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey)
                    .collect(java.util.stream.Collectors.toSet());
            assertThat(rewritten).isNotEmpty();
            // The rewritten rows moved no daily total a second time.
            DailyTotalsCheck.assertTotalsAreAGroupBy(harness.jdbi, ws);
        }
    }
}
