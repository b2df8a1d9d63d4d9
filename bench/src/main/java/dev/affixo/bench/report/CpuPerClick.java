package dev.affixo.bench.report;

import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.stack.ProcessCpu;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Reports one window's CPU cost per click: {@code cpu.<phase>.<participant>_ms_per_click} and
 * {@code _clicks_per_core} in the JSON, and one table row whose figure is the first participant's (the service
 * under test) clicks/s per core. The capacity model (docs/scaling.md) reads these.
 */
public final class CpuPerClick {

    private CpuPerClick() {
    }

    public static void report(Results results, String phase, String label, Map<String, Double> msPerClick,
                              long clicks, double seconds, String extraNote) {
        String prefix = "cpu." + phase + ".";
        results.put(prefix + "clicks", clicks);
        results.put(prefix + "seconds", seconds);
        double total = 0;
        for (Map.Entry<String, Double> e : msPerClick.entrySet()) {
            results.put(prefix + e.getKey() + "_ms_per_click", e.getValue());
            results.put(prefix + e.getKey() + "_clicks_per_core", ProcessCpu.clicksPerCore(e.getValue()));
            total += e.getValue();
        }
        String note = "CPU ms/click: " + perParticipant(msPerClick);
        results.put(prefix + "total_ms_per_click", total);
        double coresBusy = coresBusy(total, clicks, seconds);
        results.put(prefix + "cores_busy", coresBusy);
        String first = msPerClick.keySet().iterator().next();
        double perCore = ProcessCpu.clicksPerCore(msPerClick.get(first));
        results.row(new Row("CPU: " + label + ", " + first + " per core", perCore, Double.NaN, Double.NaN,
                Double.NaN, -1, String.format(Locale.ROOT, "%s; all %s; %.2f cores busy over %d clicks%s",
                        note, fmt(total), coresBusy, clicks, extraNote.isEmpty() ? "" : "; " + extraNote)));
    }

    /** "api 0.0478, broker 0.0102, …": each participant's CPU ms per click, in the map's order. */
    public static String perParticipant(Map<String, Double> msPerClick) {
        StringJoiner out = new StringJoiner(", ");
        msPerClick.forEach((participant, ms) -> out.add(participant + " " + fmt(ms)));
        return out.toString();
    }

    /** Cores the participants kept busy on average: close to the machine's core count means CPU-bound. */
    public static double coresBusy(double totalMsPerClick, long clicks, double seconds) {
        return seconds > 0 ? totalMsPerClick * clicks / 1000.0 / seconds : Double.NaN;
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "N/A" : String.format(Locale.ROOT, "%.4f", ms);
    }
}
