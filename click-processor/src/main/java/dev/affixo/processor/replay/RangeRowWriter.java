package dev.affixo.processor.replay;

import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.RowBatch;
import dev.affixo.processor.sink.RowWriter;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A replay re-derives state from the whole log but may only rewrite the rows of its range: clicks received
 * in the range, and aliases set in it. Everything else passes through the topology and is dropped here. Its
 * batches re-derive: a stored click in the range takes the replay's matching and label.
 */
final class RangeRowWriter implements RowWriter {

    private final RowWriter delegate;
    private final ReplayRange range;
    private final LongAdder written = new LongAdder();

    RangeRowWriter(RowWriter delegate, ReplayRange range) {
        this.delegate = delegate;
        this.range = range;
    }

    @Override
    public List<ClickRow> write(RowBatch batch) {
        List<ClickRow> clicks = batch.clicks().stream().filter(c -> range.contains(c.event().receivedAt())).toList();
        // Relabelling: re-deriving the labels of stored clicks is what a replay is for.
        RowBatch inRange = new RowBatch(clicks,
                batch.aliases().stream().filter(a -> range.contains(a.updatedAt())).toList(), true);
        if (inRange.size() == 0) {
            return List.of();
        }
        List<ClickRow> refused = delegate.write(inRange);
        written.add(clicks.size() - refused.size());
        return refused;
    }

    long clicksWritten() {
        return written.sum();
    }
}
