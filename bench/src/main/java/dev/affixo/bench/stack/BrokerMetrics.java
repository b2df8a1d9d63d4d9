package dev.affixo.bench.stack;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The broker's own view of produce requests (issue 17), read over JMX from the broker JVM the bench starts
 * (a port on 127.0.0.1 only, no authentication: it never leaves the machine and lives as long as the run):
 * {@code kafka.network:type=RequestMetrics,name=<X>,request=Produce} for the total time and its parts — local
 * (append to the log), remote (waiting for the other replicas: none here, acks=all on one broker), response
 * queue, request queue and response send.
 *
 * <p>The mean over a window comes from the count and the mean since start (both exact); the percentiles are
 * the broker's own Yammer histograms, an exponentially decaying reservoir biased to the last five minutes,
 * read at the window's end: close to the window's when it follows a quiet spell, never exactly it.
 */
public final class BrokerMetrics implements AutoCloseable {

    public static final List<String> PARTS = List.of("TotalTimeMs", "LocalTimeMs", "RemoteTimeMs",
            "ResponseQueueTimeMs", "RequestQueueTimeMs", "ResponseSendTimeMs");

    /** Request types the broker also counts under {@code Fetch}. */
    private static final Set<String> FETCH_SUBSETS = Set.of("FetchConsumer", "FetchFollower");

    private final int port;
    private JMXConnector connector;

    public BrokerMetrics(int jmxPort) {
        this.port = jmxPort;
    }

    /** The JVM flags that open the broker's JMX port on 127.0.0.1 (no auth, no SSL: loopback only). */
    public static List<String> jvmFlags(int jmxPort) {
        return List.of("-Dcom.sun.management.jmxremote.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false");
    }

    /** One metric at one moment. */
    public record Reading(long count, double mean, double p50, double p99) {
    }

    /** Every part's reading now; empty when the broker cannot be read (a figure never fails a phase). */
    public Map<String, Reading> read() {
        Map<String, Reading> out = new LinkedHashMap<>();
        try {
            MBeanServerConnection mbeans = connection();
            for (String part : PARTS) {
                ObjectName name = new ObjectName("kafka.network:type=RequestMetrics,name=" + part + ",request=Produce");
                out.put(part, new Reading(((Number) mbeans.getAttribute(name, "Count")).longValue(),
                        ((Number) mbeans.getAttribute(name, "Mean")).doubleValue(),
                        ((Number) mbeans.getAttribute(name, "50thPercentile")).doubleValue(),
                        ((Number) mbeans.getAttribute(name, "99thPercentile")).doubleValue()));
            }
        } catch (Exception e) {
            System.err.println("[bench] broker JMX not readable: " + e);
            return Map.of();
        }
        return out;
    }

    /**
     * Requests served so far, by type ({@code Produce}, {@code FetchConsumer}, {@code EndTxn}, …): the count of each
     * type's {@code TotalTimeMs} histogram, which the broker keeps for every request type it has served. Empty when
     * the broker cannot be read.
     */
    public Map<String, Long> requestCounts() {
        Map<String, Long> out = new TreeMap<>();
        try {
            MBeanServerConnection mbeans = connection();
            for (ObjectName name : mbeans.queryNames(
                    new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=*"), null)) {
                out.put(name.getKeyProperty("request"), ((Number) mbeans.getAttribute(name, "Count")).longValue());
            }
        } catch (Exception e) {
            System.err.println("[bench] broker JMX not readable: " + e);
            return Map.of();
        }
        return out;
    }

    /**
     * Requests per second of each type between two {@link #requestCounts} readings, busiest first, types that served
     * none left out; empty when either reading failed (a count since the broker's start is no window's rate).
     * {@code FetchConsumer} and {@code FetchFollower} are left out too: the broker counts every fetch under
     * {@code Fetch} and again under one of them, so keeping them would count fetches twice in a sum.
     */
    public static Map<String, Double> ratesBetween(Map<String, Long> from, Map<String, Long> to, double seconds) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (from.isEmpty() || to.isEmpty()) {
            return out;
        }
        to.entrySet().stream()
                .filter(e -> !FETCH_SUBSETS.contains(e.getKey()))
                .map(e -> Map.entry(e.getKey(), e.getValue() - from.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue() / seconds));
        return out;
    }

    /** A window's figures for one part: requests, their mean (exact) and the reservoir's p50/p99 at its end. */
    public record Part(long requests, double meanMs, double p50Ms, double p99Ms) {
    }

    /** What happened between two readings. */
    public static Map<String, Part> between(Map<String, Reading> from, Map<String, Reading> to) {
        Map<String, Part> out = new LinkedHashMap<>();
        for (Map.Entry<String, Reading> e : to.entrySet()) {
            Reading a = from.get(e.getKey());
            Reading b = e.getValue();
            if (a == null) {
                continue;
            }
            long n = b.count() - a.count();
            double mean = n > 0 ? (b.mean() * b.count() - a.mean() * a.count()) / n : Double.NaN;
            out.put(e.getKey(), new Part(n, mean, b.p50(), b.p99()));
        }
        return out;
    }

    /** "Total mean 1.20 p99 4.0 ms; Local 0.40/1.0; …" for a table note. */
    public static String describe(Map<String, Part> parts) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Part> e : parts.entrySet()) {
            if (!s.isEmpty()) {
                s.append("; ");
            }
            s.append(String.format(Locale.ROOT, "%s mean %.2f p99 %.2f", e.getKey().replace("TimeMs", ""),
                    e.getValue().meanMs(), e.getValue().p99Ms()));
        }
        return s.append(" ms").toString();
    }

    private MBeanServerConnection connection() throws IOException {
        if (connector == null) {
            connector = JMXConnectorFactory.connect(
                    new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"));
        }
        return connector.getMBeanServerConnection();
    }

    @Override
    public void close() throws IOException {
        if (connector != null) {
            connector.close();
        }
    }
}
