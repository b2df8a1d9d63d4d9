package dev.affixo.bench.processing;

import static dev.affixo.bench.run.RunContext.fmt;
import static dev.affixo.bench.run.RunContext.requireJar;
import static dev.affixo.bench.run.RunContext.say;

import dev.affixo.bench.report.CpuPerClick;
import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import dev.affixo.bench.stack.ProcessCpu;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.process.ServiceProcess.Ports;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Phase {@code processing}: a running processor meets a burst; the storage footprint per click. */
public final class ProcessingPhase {

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public ProcessingPhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /**
     * Processing, as a running processor meets a burst: a first backlog is written to a fresh topic and a
     * processor JVM started on it (timed from its start: the cold figure), then, once those rows are in, the
     * measured backlog is written as fast as the producer can while the warm processor drains it, timed from
     * the first record of the burst to its last row in PostgreSQL. Each jar starts on empty sink tables
     * ({@link RunContext#emptySinkTables}), the same for a single jar as for a before/after pair.
     */
    public void run() throws Exception {
        for (BenchSettings.ProcessorJar jar : s.processorJars()) {
            processing(jar);
        }
    }

    private void processing(BenchSettings.ProcessorJar jar) throws Exception {
        requireJar(jar.jar());
        String key = jar.key("processing");
        String topic = jar.label().isEmpty() ? "bench.backlog" : "bench.backlog." + jar.label();
        ctx.kafkaLoad().createTopic(topic, 12);
        ctx.kafkaLoad().createTopic(topic + ".dead-letter", 1);
        ClickEvents events = ctx.events(11);
        ctx.emptySinkTables();
        say("processing: writing a warm-up backlog of " + s.processingWarmup() + " clicks");
        ctx.kafkaLoad().produceBacklog(topic, s.processingWarmup(), events);
        long before = ctx.countClicks();
        long start = System.nanoTime();
        ServiceProcess processor = ctx.cleanup().register(ServiceProcess.start("click-processor", s.serviceJvmFlags(),
                List.of("-jar", jar.jar().toString()), Ports.freeManagementOnly(),
                ctx.serviceEnv(topic, topic + ".dead-letter", "bench-" + key), s.logDir()));
        say("click-processor pid " + processor.pid() + ": cold start until " + s.processingWarmup() + " rows are in clicks");
        Drain cold = awaitRows(processor, before + s.processingWarmup(), start);
        results.put(key + ".cold_rows", cold.rows(before));
        results.put(key + ".cold_seconds", cold.seconds());
        results.put(key + ".cold_rps", cold.complete() ? cold.rows(before) / cold.seconds() : Double.NaN);
        say(String.format(Locale.ROOT, "  cold: %d rows in %.1f s incl. JVM start", cold.rows(before), cold.seconds()));
        Drain burst = null;
        if (cold.complete()) {
            long burstBefore = cold.count();
            Instant burstFrom = Instant.now();
            long burstStart = System.nanoTime();
            ProcessCpu.Window cpu = ctx.cpuWindow(processor.pid(), "processor", false);
            String walFrom = walLsn();
            say("processing: burst of " + s.backlog() + " clicks into the running processor");
            double produceSeconds = ctx.kafkaLoad().produceBacklog(topic, s.backlog(), events);
            say(String.format(Locale.ROOT, "  burst written in %.1f s", produceSeconds));
            burst = awaitRows(processor, burstBefore + s.backlog(), burstStart);
            Map<String, Double> cpuMs = cpu.msPerClick(burst.rows(burstBefore));
            results.put("storage.postgres_wal_bytes_per_row", walBytes(walFrom) / Math.max(1, burst.rows(burstBefore)));
            double serverSpan = processedAtSpanSeconds(burstFrom);
            long rows = burst.rows(burstBefore);
            double rps = burst.complete() ? rows / burst.seconds() : Double.NaN;
            say(String.format(Locale.ROOT, "  %d / %d rows in %.1f s%s", rows, s.backlog(), burst.seconds(),
                    burst.complete() ? "" : " — INCOMPLETE (timeout or processor exited)"));
            results.put(key + ".backlog", s.backlog());
            results.put(key + ".rows", rows);
            results.put(key + ".complete", burst.complete());
            results.put(key + ".produce_seconds", produceSeconds);
            results.put(key + ".seconds", burst.seconds());
            results.put(key + ".rps", rps);
            results.put(key + ".rps_by_processed_at", burst.complete() && serverSpan > 0 ? rows / serverSpan : Double.NaN);
            results.row(new Row("processing: topic -> clicks rows" + (jar.label().isEmpty() ? "" : " (" + jar.label() + ": " + jar.jar().getFileName() + ")"), rps, Double.NaN, Double.NaN, Double.NaN, -1,
                    String.format(Locale.ROOT, "burst of %d into a warm processor; cold start %s/s (%d rows incl. JVM start)",
                            rows, fmt(results.number(key + ".cold_rps")), cold.rows(before))));
            // The drain's count(*) polls are PostgreSQL work of the bench, not of the sink: taken out, and shown.
            double pollMs = CountPollCost.cpuMs(ctx.pg().dataSource(), ctx.pg().dataDir().toAbsolutePath(), burst.polls(),
                    (burstBefore + burst.count()) / 2.0) / Math.max(1, rows);
            results.put("cpu." + key + ".postgres_incl_row_polls_ms_per_click", cpuMs.get("postgres"));
            results.put("cpu." + key + ".postgres_row_polls_ms_per_click", pollMs);
            cpuMs.put("postgres", cpuMs.get("postgres") - pollMs);
            CpuPerClick.report(results, key, "processing burst" + (jar.label().isEmpty() ? "" : " (" + jar.label() + ")"),
                    cpuMs, rows, burst.seconds(), String.format(Locale.ROOT,
                            "postgres without the bench's %d count(*) polls (%.4f ms/click, calibrated after the drain)",
                            burst.polls(), pollMs));
        }
        results.put(key + ".poll_interval_ms", pollMillis());
        if (jar.label().isEmpty() && burst != null && burst.complete()) {
            footprint(topic, s.processingWarmup() + s.backlog(), "bench-" + key);
        }
        if (processor.isAlive()) {
            ctx.memory(jar.label().isEmpty() ? "click_processor" : "click_processor_" + jar.label(), processor);
        } else {
            ctx.failures().add(key + ": click-processor exited:\n" + processor.tail(40));
        }
        ctx.cleanup().close(processor);
        if (burst == null || !burst.complete()) {
            ctx.failures().add(key + ": not every row arrived within " + s.processingTimeout());
        }
    }

    /** Bytes per click in Kafka (the topic, the processor's internal topics) and in PostgreSQL (clicks). */
    private void footprint(String topic, long clicks, String applicationId) throws Exception {
        long accepted = Footprint.kafkaLogBytes(ctx.brokerDir(), Footprint.partitionsOf(topic));
        long internal = Footprint.kafkaLogBytes(ctx.brokerDir(), dir -> dir.startsWith(applicationId + "-"));
        Footprint.Table table = Footprint.table(ctx.pg().dataSource(), "clicks");
        results.put("storage.kafka_accepted_bytes_per_click", (double) accepted / clicks);
        results.put("storage.kafka_internal_bytes_per_click", (double) internal / clicks);
        results.put("storage.clicks_heap_bytes_per_row", table.heapBytesPerRow());
        results.put("storage.clicks_total_bytes_per_row", table.totalBytesPerRow());
        results.put("storage.clicks_rows", table.rows());
        String note = String.format(Locale.ROOT, "Kafka: %.0f B/click in the topic, %.0f B/click in the processor's"
                        + " internal topics (before compaction); PostgreSQL clicks: %.0f B/row, %.0f B/row with indexes",
                (double) accepted / clicks, (double) internal / clicks, table.heapBytesPerRow(), table.totalBytesPerRow());
        say("  footprint: " + note);
        results.row(new Row("storage per click", Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, note));
    }

    /** The current WAL position, or null: a figure of the capacity model never fails the phase. */
    private String walLsn() {
        try (Connection c = ctx.pg().dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("select pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return null;
        }
    }

    /** WAL written since {@code from} (every table the sink writes, and autovacuum): an input of the disk model. */
    private double walBytes(String from) {
        if (from == null) {
            return Double.NaN;
        }
        try (Connection c = ctx.pg().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("select pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)")) {
            ps.setString(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        } catch (SQLException e) {
            return Double.NaN;
        }
    }

    /** Where a wait for rows ended: the last count seen and how long it took. */
    private record Drain(long count, double seconds, boolean complete, long polls) {
        long rows(long before) {
            return count - before;
        }
    }

    /** Polls {@code count(*)} until it reaches {@code target}, the timeout passes or the processor dies. */
    private Drain awaitRows(ServiceProcess processor, long target, long startNanos) throws Exception {
        long deadline = System.nanoTime() + s.processingTimeout().toNanos();
        long count = ctx.countClicks();
        long polls = 1;
        while (count < target && System.nanoTime() < deadline && processor.isAlive()) {
            Thread.sleep(pollMillis());
            count = ctx.countClicks();
            polls++;
        }
        return new Drain(count, (System.nanoTime() - startNanos) / 1e9, count >= target, polls);
    }

    private long pollMillis() {
        return s.quick() ? 100 : 250;
    }

    /** Seconds between the first and the last processed_at of rows written since {@code from} (server-side rate). */
    private double processedAtSpanSeconds(Instant from) throws SQLException {
        try (Connection c = ctx.pg().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("select extract(epoch from max(processed_at) - min(processed_at)) "
                     + "from clicks where key_id = ? and processed_at >= ?")) {
            ps.setLong(1, ctx.seed().backlogKeyId());
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }
}
