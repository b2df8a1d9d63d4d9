package dev.affixo.processor.sink;

import dev.affixo.processor.dedup.Classification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts what reaches PostgreSQL: {@code affixo_processor_rows_written_total{classification}},
 * {@code affixo_processor_batch_rows} and {@code affixo_processor_write_seconds{outcome}}. These count
 * writes, not distinct clicks: a batch re-written after a crash or by a replay counts again (the rows
 * themselves do not double — upserts by event id).
 */
public final class MeteredRowWriter implements RowWriter {

    private final RowWriter delegate;
    private final Map<Classification, Counter> rows = new EnumMap<>(Classification.class);
    private final DistributionSummary batchRows;
    private final Timer written;
    private final Timer failed;

    public MeteredRowWriter(RowWriter delegate, MeterRegistry registry) {
        this.delegate = delegate;
        for (Classification c : Classification.values()) {
            rows.put(c, Counter.builder("affixo.processor.rows.written")
                    .description("Click rows written to PostgreSQL, by classification")
                    .tag("classification", c.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry));
        }
        this.batchRows = DistributionSummary.builder("affixo.processor.batch.rows")
                .description("Click and alias rows per PostgreSQL write").register(registry);
        this.written = writeTimer(registry, "written");
        this.failed = writeTimer(registry, "failed");
    }

    @Override
    public List<ClickRow> write(RowBatch batch) {
        long start = System.nanoTime();
        List<ClickRow> refused;
        try {
            refused = delegate.write(batch);
        } catch (RuntimeException | Error e) {
            failed.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            throw e;
        }
        written.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        batchRows.record(batch.size());
        for (ClickRow row : batch.clicks()) {
            rows.get(row.classification()).increment();
        }
        return refused;
    }

    private static Timer writeTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("affixo.processor.write")
                .description("One PostgreSQL batch write (one transaction)")
                .tag("outcome", outcome)
                .register(registry);
    }
}
