package dev.affixo.bench.state;

import dev.affixo.bench.processing.ClickEvents.LinkRow;
import dev.affixo.bench.processing.KafkaLoad;
import dev.affixo.bench.stack.JvmMemory;
import dev.affixo.infra.process.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Issue 12's state benchmark: {@code clicks} clicks, each from a new visitor, their {@code received_at} spread
 * evenly over {@link #EVENT_TIME_SPAN} ending now, written to a fresh topic and processed from the start by one
 * processor JVM. Sampled every {@link #SAMPLE_EVERY} while it drains: the processor's state directory on disk
 * (RocksDB files and checkpoints, allocated blocks) and the longest stream-thread poll gap; at the end, rows per
 * second and RSS.
 *
 * <p>Two days of event time make both dedup retentions matter: a store that keeps 24 h drops about half of
 * what passed, one that keeps 7 days drops nothing; and a store purged by an hourly (stream-time) scan scans
 * 48 times per task, each time over everything it holds.
 */
public final class StateGrowth {

    static final Duration EVENT_TIME_SPAN = Duration.ofHours(48);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(2);
    private static final Duration COUNT_EVERY = Duration.ofSeconds(5);

    /**
     * Poll gaps are counted from this long after the first row: the consumer's maximum covers the last 60 s
     * (2 samples of 30 s), and the first gaps of a fresh instance are its rebalance and task initialisation,
     * reported apart as {@code startPollGapMs}.
     */
    private static final Duration START_GAPS_FORGOTTEN = Duration.ofSeconds(65);

    /** What one processor did with the backlog. */
    public record Result(long clicks, long rows, double produceSeconds, double seconds, boolean complete,
                         double startPollGapMs, double maxPollGapMs, long maxStateBytes, long finalStateBytes,
                         double rssMb) {
        public double rps() {
            return complete && seconds > 0 ? rows / seconds : Double.NaN;
        }
    }

    private final DataSource db;
    private final KafkaLoad kafka;
    private final long workspaceId;
    private final long keyId;
    private final List<LinkRow> links;

    public StateGrowth(DataSource db, KafkaLoad kafka, long workspaceId, long keyId, List<LinkRow> links) {
        this.db = db;
        this.kafka = kafka;
        this.workspaceId = workspaceId;
        this.keyId = keyId;
        this.links = links;
    }

    /**
     * @param topic     a fresh topic name (its dead-letter topic is {@code topic + ".dead-letter"})
     * @param stateDir  the processor's {@code state.dir}, which {@code start} must pass on
     * @param start     starts the processor on {@code topic}
     * @param timeout   how long the drain may take before the result is reported incomplete
     */
    public Result run(String topic, long clicks, Path stateDir, Function<String, ServiceProcess> start,
                      Duration timeout, java.util.function.Consumer<String> say) throws Exception {
        kafka.createTopic(topic, 12);
        kafka.createTopic(topic + ".dead-letter", 1);
        DistinctVisitorClicks events = new DistinctVisitorClicks(workspaceId, keyId, links, topic.hashCode());
        Instant end = Instant.now();
        long stepMicros = EVENT_TIME_SPAN.toNanos() / 1000 / clicks;
        say.accept("  writing " + clicks + " clicks of new visitors, received_at over the last " + EVENT_TIME_SPAN.toHours() + " h");
        double produceSeconds = kafka.produce(topic, clicks,
                i -> events.next(end.minusNanos((clicks - i) * stepMicros * 1000)));
        say.accept(String.format(java.util.Locale.ROOT, "  written in %.1f s; starting the processor", produceSeconds));
        long before = countRows();
        long t0 = System.nanoTime();
        ServiceProcess processor = start.apply(topic);
        try {
            StreamThreadMetrics metrics = new StreamThreadMetrics(processor.managementUrl());
            long deadline = t0 + timeout.toNanos();
            long nextCount = 0;
            long rows = 0;
            long steadyFrom = Long.MAX_VALUE;
            double startGap = 0;
            double maxGap = 0;
            long maxState = 0;
            while (System.nanoTime() < deadline && processor.isAlive()) {
                Thread.sleep(SAMPLE_EVERY.toMillis());
                double gap = metrics.longestPollGapMs().orElse(0);
                if (System.nanoTime() < steadyFrom) {
                    startGap = Math.max(startGap, gap);
                } else {
                    maxGap = Math.max(maxGap, gap);
                }
                maxState = Math.max(maxState, sizeOf(stateDir));
                if (System.nanoTime() >= nextCount) {
                    rows = countRows() - before;
                    if (rows > 0 && steadyFrom == Long.MAX_VALUE) {
                        steadyFrom = System.nanoTime() + START_GAPS_FORGOTTEN.toNanos();
                    }
                    nextCount = System.nanoTime() + COUNT_EVERY.toNanos();
                    say.accept(String.format(java.util.Locale.ROOT, "  %6.0f s: %d rows, state %.1f MB, longest poll"
                                    + " gap at start %.0f ms, since %.0f ms", (System.nanoTime() - t0) / 1e9, rows,
                            maxState / 1e6, startGap, maxGap));
                    if (rows >= clicks) {
                        break;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (System.nanoTime() >= steadyFrom) {
                maxGap = Math.max(maxGap, metrics.longestPollGapMs().orElse(0));
            }
            long finalState = sizeOf(stateDir);
            return new Result(clicks, rows, produceSeconds, seconds, rows >= clicks, startGap,
                    System.nanoTime() >= steadyFrom ? maxGap : Double.NaN, Math.max(maxState, finalState), finalState,
                    JvmMemory.rssMb(processor.pid()));
        } finally {
            processor.close();
        }
    }

    private long countRows() throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from clicks where key_id = ?")) {
            ps.setLong(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Bytes {@code dir} takes on disk, as {@code du} counts them (allocated blocks): RocksDB preallocates its
     * files, so the sum of file lengths says much less than the disk holds. 0 when {@code du} cannot tell.
     */
    static long sizeOf(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try {
            // Files vanish while du walks (RocksDB compactions, expired segments): it warns and still totals.
            Process du = new ProcessBuilder("du", "-s", "--block-size=1", dir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            du.waitFor();
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
