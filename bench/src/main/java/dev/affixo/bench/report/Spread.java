package dev.affixo.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Median and range of a few repeated measurements (the A B A B A B rows): one run of each is one sample of a
 * machine whose speed drifts, so the table gives the median and how far the samples spread.
 */
public record Spread(double median, double min, double max, int samples) {

    public static Spread of(List<Double> values) {
        List<Double> finite = new ArrayList<>();
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                finite.add(v);
            }
        }
        if (finite.isEmpty()) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        Collections.sort(finite);
        int n = finite.size();
        double median = n % 2 == 1 ? finite.get(n / 2) : (finite.get(n / 2 - 1) + finite.get(n / 2)) / 2;
        return new Spread(median, finite.get(0), finite.get(n - 1), n);
    }

    /** (max − min) / median: 0.04 = the samples lie within 4 % of their median's size. */
    public double relativeRange() {
        return median == 0 ? Double.NaN : (max - min) / median;
    }

    /** "min–max of n", with the given format for the numbers. */
    public String range(String format) {
        return String.format(Locale.ROOT, format + "–" + format + " (%d runs)", min, max, samples);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", Double.isFinite(median) ? median : null);
        m.put("min", Double.isFinite(min) ? min : null);
        m.put("max", Double.isFinite(max) ? max : null);
        m.put("samples", samples);
        return m;
    }
}
