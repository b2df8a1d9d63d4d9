package dev.affixo.bench.processing;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * End-to-end latency by sampling: a sampled request carries a visitor id of its own; once the API answered
 * 200 the watcher polls PostgreSQL (every {@value #POLL_MILLIS} ms, through the canonical-visitor index — a
 * cookie click's canonical visitor is its own id) until the row is visible. The poll interval is the
 * resolution: each figure may be up to {@value #POLL_MILLIS} ms late.
 */
public final class RowWatcher implements AutoCloseable {

    static final int POLL_MILLIS = 10;
    private static final long HIGHEST_MICROS = 120_000_000L;

    private record Pending(long answeredNanos) {
    }

    private final DataSource dataSource;
    private final long workspaceId;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Histogram fromAnswer = new Histogram(HIGHEST_MICROS, 3);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;
    private volatile long seen;
    private volatile Exception failure;

    public RowWatcher(DataSource dataSource, long workspaceId) {
        this.dataSource = dataSource;
        this.workspaceId = workspaceId;
        this.poller = new Thread(this::poll, "bench-row-watcher");
        poller.setDaemon(true);
        poller.start();
    }

    /** The API answered 200 for a sampled click of visitor {@code visitorId} at {@code answeredNanos}. */
    public void answered(String visitorId, long answeredNanos) {
        pending.put(visitorId, new Pending(answeredNanos));
    }

    public int pendingCount() {
        return pending.size();
    }

    private void poll() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select canonical_visitor_id from clicks "
                     + "where workspace_id = ? and canonical_visitor_id = any(?)")) {
            while (running.get()) {
                if (!pending.isEmpty()) {
                    List<String> ids = new ArrayList<>(pending.keySet());
                    Array array = c.createArrayOf("text", ids.toArray());
                    ps.setLong(1, workspaceId);
                    ps.setArray(2, array);
                    try (ResultSet rs = ps.executeQuery()) {
                        long now = System.nanoTime();
                        while (rs.next()) {
                            Pending p = pending.remove(rs.getString(1));
                            if (p != null) {
                                synchronized (fromAnswer) {
                                    fromAnswer.recordValue(Math.min(HIGHEST_MICROS,
                                            Math.max(1, (now - p.answeredNanos()) / 1000)));
                                }
                                seen++;
                            }
                        }
                    }
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (bounded) until every sampled row is visible. */
    public void awaitAll(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!pending.isEmpty() && failure == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    public record Result(long samples, long missing, double p50Ms, double p99Ms, double maxMs) {
    }

    public Result result() {
        if (failure != null) {
            throw new IllegalStateException("row watcher failed", failure);
        }
        synchronized (fromAnswer) {
            return new Result(seen, pending.size(), fromAnswer.getValueAtPercentile(50) / 1000.0,
                    fromAnswer.getValueAtPercentile(99) / 1000.0, fromAnswer.getMaxValue() / 1000.0);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        poller.join(5000);
    }
}
