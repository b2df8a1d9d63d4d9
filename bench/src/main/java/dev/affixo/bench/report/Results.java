package dev.affixo.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything the run measured, as a tree addressed by dotted names ({@code ingest.p99_ms}), plus the table
 * printed from it. The JSON file and the table are rendered from the same values, so they cannot disagree.
 */
public final class Results {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<Target> targets = new ArrayList<>();

    /** One line of the measurement table. NaN prints as "—". */
    public record Row(String what, double rps, double p50Ms, double p99Ms, double p999Ms, long non200, String note) {
    }

    /**
     * A target from the issue. {@code atLeast}: value must be ≥ limit, else ≤ limit.
     */
    public record Target(String name, double value, double limit, boolean atLeast, String unit) {

        public String status() {
            if (Double.isNaN(value)) {
                return "N/A";
            }
            return (atLeast ? value >= limit : value <= limit) ? "PASS" : "MISS";
        }

        /** How far from the target, as a share of the target ("short by 12 %", "over by 30 %"). */
        public String gap() {
            if (Double.isNaN(value) || "PASS".equals(status())) {
                return "";
            }
            double pct = Math.abs(value - limit) / limit * 100;
            return String.format(Locale.ROOT, "%s by %.0f %%", atLeast ? "short" : "over", pct);
        }
    }

    @SuppressWarnings("unchecked")
    public Results put(String dottedName, Object value) {
        String[] parts = dottedName.split("\\.");
        Map<String, Object> node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        }
        node.put(parts[parts.length - 1], value instanceof Double d && !Double.isFinite(d) ? null : value);
        return this;
    }

    @SuppressWarnings("unchecked")
    public double number(String dottedName) {
        Object node = root;
        for (String part : dottedName.split("\\.")) {
            if (!(node instanceof Map)) {
                return Double.NaN;
            }
            node = ((Map<String, Object>) node).get(part);
        }
        return node instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A value as text ("—" when absent). */
    @SuppressWarnings("unchecked")
    public String text(String dottedName) {
        Object node = root;
        for (String part : dottedName.split("\\.")) {
            if (!(node instanceof Map)) {
                return "—";
            }
            node = ((Map<String, Object>) node).get(part);
        }
        return node == null || node instanceof Map ? "—" : node.toString();
    }

    public void row(Row row) {
        rows.add(row);
    }

    public void target(Target target) {
        targets.add(target);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("name", target.name());
        t.put("value", Double.isFinite(target.value()) ? target.value() : null);
        t.put("target", (target.atLeast() ? ">= " : "<= ") + fmt(target.limit()) + target.unit());
        t.put("status", target.status());
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) root.computeIfAbsent("targets", k -> new ArrayList<>());
        list.add(t);
    }

    public String toJson() {
        return JSON.writeValueAsString(root);
    }

    /** The values of a JSON file {@link #toJson()} wrote, to read numbers from ({@link #number}). */
    @SuppressWarnings("unchecked")
    public static Results read(Path json) throws IOException {
        Results r = new Results();
        r.root.putAll(JSON.readValue(Files.readString(json), LinkedHashMap.class));
        return r;
    }

    /** The table: a header of machine facts, the measurements, then the targets. */
    public String table(List<String> header) {
        StringBuilder out = new StringBuilder();
        String rule = "-".repeat(112) + "\n";
        out.append(rule);
        header.forEach(h -> out.append(h).append('\n'));
        out.append(rule);
        out.append(String.format(Locale.ROOT, "%-40s %10s %9s %9s %9s %7s  %s%n",
                "measurement", "per s", "p50 ms", "p99 ms", "p99.9 ms", "non-200", "note"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%-40s %10s %9s %9s %9s %7s  %s%n", r.what(), fmt0(r.rps()),
                    fmt(r.p50Ms()), fmt(r.p99Ms()), fmt(r.p999Ms()), r.non200() < 0 ? "—" : Long.toString(r.non200()),
                    r.note() == null ? "" : r.note()));
        }
        out.append(rule);
        out.append(String.format(Locale.ROOT, "%-58s %10s %12s %6s  %s%n", "target", "value", "target", "", ""));
        for (Target t : targets) {
            out.append(String.format(Locale.ROOT, "%-58s %10s %12s %6s  %s%n", t.name(), fmt(t.value()) + t.unit(),
                    (t.atLeast() ? ">= " : "<= ") + fmt(t.limit()) + t.unit(), t.status(), t.gap()));
        }
        out.append(rule);
        return out.toString();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt0(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f", v);
    }
}
