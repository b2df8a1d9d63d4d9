package dev.affixo.processor.sink;

import java.sql.Array;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Binds a batch column by column: each named parameter gets one PostgreSQL array holding that column's
 * value for every row, and the statement reads the rows back with {@code unnest(...)}. One statement and
 * one plan per batch instead of one execution per row, which is what makes the sink's writes about half
 * again as fast as a JDBC batch of single-row inserts (BENCHMARKS.md).
 */
final class SqlColumns<R> {

    private final Handle handle;
    private final String sql;
    private final List<R> rows;
    private final Map<String, Array> arrays = new LinkedHashMap<>();
    private final Map<String, Object> scalars = new LinkedHashMap<>();

    /**
     * @param rows  the batch; collapsed to one row per {@code key} ({@code merge} decides which survives),
     *              because one {@code insert … on conflict do update} may not touch a row twice, and sorted
     *              by key, so every writer takes its row locks in one order and two cannot deadlock
     */
    SqlColumns(Handle handle, String sql, Collection<R> rows, Function<R, String> key, BinaryOperator<R> merge) {
        Map<String, R> byKey = new TreeMap<>();
        for (R row : rows) {
            byKey.merge(key.apply(row), row, merge);
        }
        this.handle = handle;
        this.sql = sql;
        this.rows = List.copyOf(byKey.values());
    }

    /** Binds {@code :name} to a {@code bigint[]} of the rows' values. */
    SqlColumns<R> int8(String name, Function<R, Long> value) {
        return bind(name, "int8", fill(new Long[rows.size()], value));
    }

    /** Binds {@code :name} to a {@code real[]} of the rows' values. */
    SqlColumns<R> float4(String name, Function<R, Float> value) {
        return bind(name, "float4", fill(new Float[rows.size()], value));
    }

    /** Binds {@code :name} to a {@code text[]} of the rows' values (cast in SQL where the column is not text). */
    SqlColumns<R> text(String name, Function<R, String> value) {
        return bind(name, "text", fill(new String[rows.size()], value));
    }

    // Typed Java arrays matter: the driver encodes Long[], Float[] and String[] directly, but a plain
    // Object[] element by element through its text form, which cost the processor 4.5 % of its CPU.
    private <T> T[] fill(T[] values, Function<R, T> value) {
        for (int i = 0; i < values.length; i++) {
            values[i] = value.apply(rows.get(i));
        }
        return values;
    }

    private SqlColumns<R> bind(String name, String elementType, Object[] values) {
        try {
            arrays.put(name, handle.getConnection().createArrayOf(elementType, values));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot build the " + name + " column array", e);
        }
        return this;
    }

    /** Binds {@code :name} to one value, the same for every row (a threshold). */
    SqlColumns<R> scalar(String name, Object value) {
        scalars.put(name, value);
        return this;
    }

    /** The rows, collapsed and in key order: what the arrays hold, position by position. */
    List<R> rows() {
        return rows;
    }

    void execute() {
        bindAll(handle.createUpdate(sql)).execute();
    }

    /** Runs a statement ending in {@code returning <one text column>} and gives the returned values. */
    List<String> returning() {
        Query query = bindAll(handle.createQuery(sql));
        return query.mapTo(String.class).list();
    }

    private <S extends SqlStatement<S>> S bindAll(S statement) {
        arrays.forEach((name, array) -> statement.bindBySqlType(name, array, Types.ARRAY));
        scalars.forEach(statement::bind);
        return statement;
    }
}
