package dev.affixo.processor.sink;

import java.util.List;

/**
 * Writes a batch of rows, idempotently: writing the same batch twice leaves the same rows as writing it once.
 * Returns only when the rows are committed; throws if they are not.
 */
@FunctionalInterface
public interface RowWriter {

    /**
     * @return the clicks of the batch that were refused, not written: their event id is already stored (or
     *         earlier in the batch) with other request fields — one Idempotency-Key used for two bodies. The
     *         first stored body stays exactly as it was; the caller dead-letters these.
     */
    List<ClickRow> write(RowBatch batch);
}
