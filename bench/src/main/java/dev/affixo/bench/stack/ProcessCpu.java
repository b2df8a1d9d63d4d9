package dev.affixo.bench.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of the processes taking part in a measured window, from {@code /proc/<pid>/stat} (Linux only). A
 * {@link Window} reads every participant at its start and end; the difference divided by the window's clicks is
 * the CPU cost of one click, which a shared machine distorts far less than a throughput figure does: a process
 * waiting for a core spends no CPU time. Any reading that fails is NaN, never an exception.
 */
public final class ProcessCpu {

    /** Clock ticks per second of utime/stime ({@code getconf CLK_TCK}); 100 on every common Linux. */
    private static final long TICKS_PER_SECOND = clockTicks();

    private ProcessCpu() {
    }

    /** A participant's CPU time so far, in clock ticks; negative when it cannot be read. */
    @FunctionalInterface
    public interface Meter {
        long ticks();
    }

    /** utime + stime of one process (all its threads). */
    public static Meter process(long pid) {
        return () -> {
            long[] f = stat(pid);
            return f == null ? -1 : f[0] + f[1];
        };
    }

    /** The bench JVM itself: the built-in load generator and the backlog producer run here. */
    public static Meter self() {
        return process(ProcessHandle.current().pid());
    }

    /**
     * Children of the bench JVM that have exited and been reaped ({@code cutime + cstime} of the bench JVM): a
     * {@code wrk} run that starts and ends inside the window is all of this delta, since the bench starts no other
     * short-lived child meanwhile. wrk cannot be read directly: its CPU is only complete once it has exited.
     */
    public static Meter reapedChildren() {
        long pid = ProcessHandle.current().pid();
        return () -> {
            long[] f = stat(pid);
            return f == null ? -1 : f[2] + f[3];
        };
    }

    /**
     * PostgreSQL: the postmaster ({@code postmaster.pid} in the data directory) with the children it has reaped
     * (backends that disconnected, finished autovacuum workers), plus every live child (backends, checkpointer,
     * WAL writer, …). A child that exits mid-window moves from the second sum to the first, so the delta stays whole.
     */
    public static Meter postgres(Path dataDir) {
        return () -> {
            try {
                long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
                long[] f = stat(postmaster);
                if (f == null) {
                    return -1;
                }
                long total = f[0] + f[1] + f[2] + f[3];
                try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                    for (Path p : procs) {
                        long[] c = stat(Long.parseLong(p.getFileName().toString()));
                        if (c != null && c[4] == postmaster) {
                            total += c[0] + c[1];
                        }
                    }
                }
                return total;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        };
    }

    /** Reads every meter now; {@link Window#msPerClick} reads them again. */
    public static Window start(Map<String, Meter> meters) {
        return new Window(meters);
    }

    /** One measured window: each participant's ticks at its start. */
    public static final class Window {
        private final Map<String, Meter> meters;
        private final Map<String, Long> startTicks = new LinkedHashMap<>();

        private Window(Map<String, Meter> meters) {
            this.meters = new LinkedHashMap<>(meters);
            this.meters.forEach((name, m) -> startTicks.put(name, m.ticks()));
        }

        /** CPU milliseconds per click of each participant since {@link #start}; NaN where a reading failed. */
        public Map<String, Double> msPerClick(long clicks) {
            Map<String, Double> out = new LinkedHashMap<>();
            meters.forEach((name, m) -> out.put(name, costMs(startTicks.get(name), m.ticks(), clicks)));
            return out;
        }
    }

    static double costMs(long startTicks, long endTicks, long clicks) {
        if (startTicks < 0 || endTicks < startTicks || clicks <= 0 || TICKS_PER_SECOND <= 0) {
            return Double.NaN;
        }
        return (endTicks - startTicks) * 1000.0 / TICKS_PER_SECOND / clicks;
    }

    /** {utime, stime, cutime, cstime, ppid} of {@code pid}, or null when it cannot be read. */
    static long[] stat(long pid) {
        try {
            return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Parses a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and may itself hold
     * spaces and parentheses, so fields are counted from the last ')': state is field 3, ppid 4, utime 14,
     * stime 15, cutime 16, cstime 17 (proc(5)).
     */
    static long[] parseStat(String line) {
        String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14]), Long.parseLong(f[1])};
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | RuntimeException e) {
            // fall back below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }

    /** Clicks per second one core sustains at this cost; NaN when the cost is unknown or zero. */
    public static double clicksPerCore(double msPerClick) {
        return msPerClick > 0 ? 1000.0 / msPerClick : Double.NaN;
    }
}
