package dev.affixo.processor.sink;

import org.jdbi.v3.core.Jdbi;

/** Writes a batch in one PostgreSQL transaction: all of it or none of it. */
public final class JdbiRowWriter implements RowWriter {

    private final Jdbi jdbi;

    public JdbiRowWriter(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void write(RowBatch batch) {
        jdbi.useTransaction(handle -> {
            ClickRows.upsert(handle, batch.clicks());
            VisitorRows.recordVisitors(handle, batch.clicks());
            VisitorRows.upsertAliases(handle, batch.aliases());
        });
    }
}
