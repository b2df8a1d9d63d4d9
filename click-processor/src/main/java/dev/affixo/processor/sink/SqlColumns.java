package dev.affixo.processor.sink;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * Binds a batch column by column: each named parameter gets one PostgreSQL array holding that column's
 * value for every row, and the statement reads the rows back with {@code unnest(...)}. One statement and
 * one plan per batch instead of one execution per row, which is what makes the sink's writes about half
 * again as fast as a JDBC batch of single-row inserts (BENCHMARKS.md).
 */
final class SqlColumns<R> {

    private final Handle handle;
    private final Update update;
    private final List<R> rows;

    SqlColumns(Handle handle, String sql, List<R> rows) {
        this.handle = handle;
        this.update = handle.createUpdate(sql);
        this.rows = rows;
    }

    /** Binds {@code :name} to an array of SQL type {@code elementType} ({@code uuid}, {@code int8}, {@code text}, …). */
    SqlColumns<R> column(String name, String elementType, Function<R, Object> value) {
        Object[] values = new Object[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value.apply(rows.get(i));
        }
        try {
            Array array = handle.getConnection().createArrayOf(elementType, values);
            update.bindBySqlType(name, array, Types.ARRAY);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot build the " + name + " column array", e);
        }
        return this;
    }

    void execute() {
        update.execute();
    }
}
