package dev.affixo.processor.sink;

/**
 * Writes a batch of rows, idempotently: writing the same batch twice leaves the same rows as writing it once.
 * Returns only when the rows are committed; throws if they are not.
 */
@FunctionalInterface
public interface RowWriter {

    void write(RowBatch batch);
}
