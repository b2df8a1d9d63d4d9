package dev.affixo.bench.processing;

import dev.affixo.common.ClickEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Baseline (c): the same number of equivalent rows written by a plain JDBC batched insert, batch 1000,
 * one transaction per batch, into a copy of {@code clicks} with the same key, indexes and range partitioning
 * on {@code received_at} (one partition) — no Kafka, no Streams, no matching. What the processor does on top of this is its overhead.
 */
public final class InsertBaseline {

    static final int BATCH = 1000;
    private static final String INSERT = """
            insert into clicks_baseline (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                                         canonical_visitor_id, match_method, match_confidence, fingerprint, url,
                                         referrer, classification, key_id, idempotency_key, received_at, processed_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
            on conflict do nothing
            """;

    /**
     * Baseline (c'): the same rows in one statement per batch, a PostgreSQL array per column read back with
     * {@code unnest} — the statement shape the processor's sink uses — so the report can separate what the
     * SQL technique gains from what Kafka and Streams cost.
     */
    private static final String INSERT_UNNEST = """
            insert into clicks_baseline (event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id,
                                         canonical_visitor_id, match_method, match_confidence, fingerprint, url,
                                         referrer, classification, key_id, idempotency_key, received_at, processed_at)
            select e, w, l, a, c, r, v, cv, mm, mc, fp, u, rf, cl, k, ik,
                   timestamptz 'epoch' + ms * interval '1 millisecond', now()
            from unnest(?::text[]::uuid[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::text[], ?::text[], ?::text[],
                        ?::text[], ?::float4[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::text[],
                        ?::int8[]) as t(e, w, l, a, c, r, v, cv, mm, mc, fp, u, rf, cl, k, ik, ms)
            on conflict do nothing
            """;
    private static final String[] UNNEST_TYPES = {"text", "int8", "int8", "int8", "int8", "text", "text", "text",
            "text", "float4", "text", "text", "text", "text", "int8", "text", "int8"};

    private static final String COLUMNS = """
            event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id, canonical_visitor_id,
            match_method, match_confidence, fingerprint, url, referrer, classification, key_id, idempotency_key,
            received_at, processed_at""";

    /** Baseline (c''): binary COPY straight into the table — no conflict handling, the database's own ceiling. */
    private static final String COPY_DIRECT = "copy clicks_baseline (" + COLUMNS + ") from stdin (format binary)";

    /**
     * The sink's job done with COPY: the batch into a session-local staging table (emptied at commit), then one
     * {@code insert … select … on conflict} from it, so it compares with (c') statement for statement.
     */
    private static final String STAGING = """
            create temp table if not exists clicks_staging (like clicks_baseline including defaults)
            on commit delete rows""";
    private static final String COPY_STAGING = "copy clicks_staging (" + COLUMNS + ") from stdin (format binary)";
    private static final String FROM_STAGING = "insert into clicks_baseline (" + COLUMNS + ") select " + COLUMNS
            + " from clicks_staging on conflict do nothing";

    private InsertBaseline() {
    }

    public record Result(long rows, double seconds) {
        public double rps() {
            return seconds > 0 ? rows / seconds : 0;
        }
    }

    /** Baseline (c): batches of single-row inserts, {@code executeBatch}. */
    public static Result run(DataSource dataSource, long count, ClickEvents events) throws SQLException {
        return timed(dataSource, count, events, INSERT, (c, ps, batch) -> {
            for (ClickEvent e : batch) {
                bind(ps, e);
                ps.addBatch();
            }
            long written = 0;
            for (int n : ps.executeBatch()) {
                written += Math.max(n, 0);
            }
            return written;
        });
    }

    /** Baseline (c'): the same rows and batches, one {@code insert ... select from unnest(...)} per batch. */
    public static Result runUnnest(DataSource dataSource, long count, ClickEvents events) throws SQLException {
        return timed(dataSource, count, events, INSERT_UNNEST, (c, ps, batch) -> {
            bindColumns(c, ps, batch);
            return ps.executeUpdate();
        });
    }

    /** Baseline (c''): the same rows and batches, one binary {@code COPY} per batch straight into the table. */
    public static Result runCopy(DataSource dataSource, long count, ClickEvents events) throws SQLException {
        return timed(dataSource, count, events, "select 1", (c, ps, batch) -> copy(c, COPY_DIRECT, batch));
    }

    /** The same rows and batches through a binary COPY into a staging table and one insert-select per batch. */
    public static Result runCopyUpsert(DataSource dataSource, long count, ClickEvents events) throws SQLException {
        return timed(dataSource, count, events, FROM_STAGING, (c, ps, batch) -> {
            try (Statement st = c.createStatement()) {
                st.execute(STAGING);
            }
            copy(c, COPY_STAGING, batch);
            return ps.executeUpdate();
        });
    }

    private static long copy(Connection c, String sql, List<ClickEvent> batch) throws SQLException {
        Instant now = Instant.now();
        PgBinaryRows rows = new PgBinaryRows();
        for (ClickEvent e : batch) {
            rows.row(18).uuid(e.eventId()).int8(e.workspaceId()).int8(e.linkId()).int8(e.affiliateId())
                    .int8(e.campaignId()).text(e.ref()).text(e.visitorId()).text(e.visitorId())
                    .text(e.matchMethod().wire()).float4((float) e.matchConfidence()).text(e.fingerprint())
                    .text(e.url()).text(e.referrer()).text("unique").int8(e.keyId()).text(e.idempotencyKey())
                    .timestamptz(e.receivedAt()).timestamptz(now);
        }
        try {
            return c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(rows.finish()));
        } catch (IOException e) {
            throw new SQLException("COPY failed", e);
        }
    }

    /** Writes one batch with the prepared statement; returns the rows written. */
    private interface BatchWrite {
        long write(Connection c, PreparedStatement ps, List<ClickEvent> batch) throws SQLException;
    }

    /** A fresh copy of the table, then {@code count} events in batches of {@link #BATCH}, one transaction each. */
    private static Result timed(DataSource dataSource, long count, ClickEvents events, String sql, BatchWrite write)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            recreateTable(c);
            c.setAutoCommit(false);
            Instant base = Instant.now();
            long start = System.nanoTime();
            long written = 0;
            List<ClickEvent> batch = new ArrayList<>(BATCH);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (long i = 0; i < count; i++) {
                    batch.add(events.next(base.minusMillis(count - i)));
                    if (batch.size() == BATCH || i + 1 == count) {
                        written += write.write(c, ps, batch);
                        c.commit();
                        batch.clear();
                    }
                }
            }
            return new Result(written, (System.nanoTime() - start) / 1e9);
        }
    }

    private static void recreateTable(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("drop table if exists clicks_baseline");
            // Partitioned like clicks (V4), so the baselines pay the same routing; one partition takes every row.
            st.execute("create table clicks_baseline (like clicks including all) partition by range (received_at)");
            st.execute("create table clicks_baseline_rows partition of clicks_baseline default");
        }
    }

    /** One typed array per column (Long[], Float[], String[]), as the sink binds them. */
    private static void bindColumns(Connection c, PreparedStatement ps, List<ClickEvent> batch) throws SQLException {
        int n = batch.size();
        Object[][] columns = new Object[UNNEST_TYPES.length][];
        for (int col = 0; col < columns.length; col++) {
            columns[col] = switch (UNNEST_TYPES[col]) {
                case "int8" -> new Long[n];
                case "float4" -> new Float[n];
                default -> new String[n];
            };
        }
        for (int i = 0; i < n; i++) {
            ClickEvent e = batch.get(i);
            Object[] row = {e.eventId(), e.workspaceId(), e.linkId(), e.affiliateId(), e.campaignId(),
                    e.ref(), e.visitorId(), e.visitorId(), e.matchMethod().wire(), (float) e.matchConfidence(),
                    e.fingerprint(), e.url(), e.referrer(), "unique", e.keyId(), e.idempotencyKey(),
                    e.receivedAt().toEpochMilli()};
            for (int col = 0; col < row.length; col++) {
                columns[col][i] = row[col];
            }
        }
        for (int col = 0; col < columns.length; col++) {
            ps.setArray(col + 1, c.createArrayOf(UNNEST_TYPES[col], columns[col]));
        }
    }

    private static void bind(PreparedStatement ps, ClickEvent e) throws SQLException {
        ps.setObject(1, UUID.fromString(e.eventId()));
        ps.setLong(2, e.workspaceId());
        ps.setLong(3, e.linkId());
        ps.setLong(4, e.affiliateId());
        if (e.campaignId() == null) {
            ps.setNull(5, Types.BIGINT);
        } else {
            ps.setLong(5, e.campaignId());
        }
        ps.setString(6, e.ref());
        ps.setString(7, e.visitorId());
        ps.setString(8, e.visitorId());
        ps.setString(9, e.matchMethod().wire());
        ps.setFloat(10, (float) e.matchConfidence());
        ps.setString(11, e.fingerprint());
        ps.setString(12, e.url());
        ps.setString(13, e.referrer());
        ps.setString(14, "unique");
        ps.setLong(15, e.keyId());
        ps.setString(16, e.idempotencyKey());
        ps.setTimestamp(17, Timestamp.from(e.receivedAt()));
    }
}
