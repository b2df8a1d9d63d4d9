package dev.affixo.bench.stack;

import dev.affixo.infra.process.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory of a service JVM as the benchmark reports it: RSS, and heap in use right after a full GC. */
public final class JvmMemory {

    private static final Pattern HEAP_USED = Pattern.compile("total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

    private JvmMemory() {
    }

    /** Resident set size from {@code /proc/<pid>/status}, in MB; NaN where /proc is missing. */
    public static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return Double.NaN;
    }

    /** Forces a full GC ({@code jcmd GC.run}) and returns the heap in use right after it, in MB. */
    public static double heapAfterFullGcMb(ServiceProcess jvm) {
        try {
            jcmd(jvm.pid(), "GC.run");
            return parseHeapUsedMb(jcmd(jvm.pid(), "GC.heap_info"));
        } catch (IOException | RuntimeException e) {
            System.err.println("  (could not read the heap of " + jvm.name() + ": " + e.getMessage() + ")");
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    static double parseHeapUsedMb(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        long usedKb = 0;
        boolean found = false;
        while (m.find()) {
            usedKb += Long.parseLong(m.group(2));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no heap spaces in GC.heap_info: " + heapInfo);
        }
        return usedKb / 1024.0;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ServiceProcess.javaTool("jcmd"), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + command + " timed out");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
