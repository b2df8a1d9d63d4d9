package dev.affixo.processor.sink;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Writes a batch in one PostgreSQL transaction: all of it or none of it. */
public final class JdbiRowWriter implements RowWriter {

    private final Jdbi jdbi;

    public JdbiRowWriter(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<ClickRow> write(RowBatch batch) {
        return jdbi.inTransaction(handle -> {
            List<ClickRow> refused = ClickRows.upsert(handle, batch.clicks(), batch.relabel());
            // A refused click is not stored, so it must not register its visitor either.
            List<ClickRow> stored = refused.isEmpty() ? batch.clicks()
                    : batch.clicks().stream().filter(c -> !refused.contains(c)).toList();
            VisitorRows.recordVisitors(handle, stored);
            VisitorRows.upsertAliases(handle, batch.aliases());
            return refused;
        });
    }
}
