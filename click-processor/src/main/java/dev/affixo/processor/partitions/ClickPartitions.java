package dev.affixo.processor.partitions;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time partitions of {@code clicks} (range on {@code received_at}, migration V4): which exist, creating the
 * missing ones, dropping those past retention. Every change runs under one transaction-scoped advisory lock,
 * re-reads the catalog inside it and is idempotent, so any number of processor instances (and a replay) may call
 * it at once. Partitions never overlap and there is no default partition: a period that has none gets one, clipped
 * to the gap between its neighbours (so changing the period later leaves old partitions as they are).
 */
public final class ClickPartitions {

    private static final Logger log = LoggerFactory.getLogger(ClickPartitions.class);

    /** The advisory lock every partition change holds ("affixoPT"). */
    static final long LOCK = 0x6166_6669_786f_5054L;

    /**
     * A partition is dropped only once its whole range is this much older than the retention: room for clocks that
     * differ between the database and the processors, which skip rows past retention by their own clock, so a write
     * never lands in a range just dropped.
     */
    static final Duration DROP_GRACE = Duration.ofHours(1);

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuuMMdd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss");

    /**
     * Bounds from the catalog: pg_get_expr renders them as {@code FOR VALUES FROM ('…') TO ('…')} in the session's
     * time zone, with its offset, so the cast back to timestamptz is exact. MINVALUE/MAXVALUE give null (unbounded);
     * a default partition gives nulls and is skipped (this class never creates one).
     */
    private static final String PARTITIONS = """
            select c.relname as name,
                   (extract(epoch from (regexp_match(pg_get_expr(c.relpartbound, c.oid),
                        'FROM \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000)::int8 as lower_ms,
                   (extract(epoch from (regexp_match(pg_get_expr(c.relpartbound, c.oid),
                        'TO \\(''([^'']+)''\\)'))[1]::timestamptz) * 1000)::int8 as upper_ms,
                   pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' as is_default
            from pg_inherits i
            join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'clicks'::regclass
            """;

    private final Jdbi jdbi;
    private final PartitionPeriod period;
    private final Duration retention;

    /** Ranges known to exist (lower → upper), read from the catalog; a miss re-reads it. */
    private volatile NavigableMap<Instant, Instant> known = new TreeMap<>();

    /**
     * @param retention how long a click is kept (by {@code received_at}); null keeps everything
     */
    public ClickPartitions(Jdbi jdbi, PartitionPeriod period, Duration retention) {
        this.jdbi = jdbi;
        this.period = period;
        this.retention = retention;
    }

    /** A partition: its table and its range {@code [lower, upper)}; null bounds are unbounded. */
    public record Partition(String name, Instant lower, Instant upper) {

        boolean covers(Instant t) {
            return (lower == null || !t.isBefore(lower)) && (upper == null || t.isBefore(upper));
        }
    }

    public PartitionPeriod period() {
        return period;
    }

    /**
     * The oldest {@code received_at} still kept at {@code now}, if a retention is set: the writers store nothing
     * older (a replay included), and a partition goes once its whole range is older (plus {@link #DROP_GRACE}).
     */
    public Optional<Instant> retainedFrom(Instant now) {
        return Optional.ofNullable(retention).map(now::minus);
    }

    /**
     * Makes sure each instant falls into a partition, creating what is missing. Cheap when they all do: the ranges
     * are remembered, and the catalog is read again only for an instant outside them.
     */
    public void ensureCovered(Collection<Instant> instants) {
        List<Instant> missing = uncovered(instants, known);
        if (missing.isEmpty()) {
            return;
        }
        known = ranges(jdbi.withHandle(ClickPartitions::read));
        missing = uncovered(missing, known);
        if (missing.isEmpty()) {
            return;
        }
        List<Instant> toCover = missing;
        known = ranges(jdbi.inTransaction(h -> {
            List<Partition> existing = lock(h);
            for (Instant t : toCover) {
                if (existing.stream().noneMatch(p -> p.covers(t))) {
                    existing.add(create(h, existing, t));
                }
            }
            return existing;
        }));
    }

    /** Forgets the remembered ranges, e.g. after a write failed: the next {@link #ensureCovered} reads the catalog. */
    public void forget() {
        known = new TreeMap<>();
    }

    /** Creates the partitions of the period holding {@code now} and of the {@code ahead} periods after it. */
    public void createAhead(Instant now, int ahead) {
        List<Instant> starts = new ArrayList<>();
        Instant start = period.start(now);
        for (int i = 0; i <= ahead; i++) {
            starts.add(start);
            start = period.next(start);
        }
        ensureCovered(starts);
    }

    /**
     * Detaches and drops every partition whose whole range is past retention at {@code now} (nothing without a
     * retention): never a DELETE, so no dead rows and no index churn. One transaction per partition, so the lock
     * the detach takes on {@code clicks} is held for one catalog change at a time.
     *
     * @return the partitions dropped
     */
    public List<Partition> dropPastRetention(Instant now) {
        if (retention == null) {
            return List.of();
        }
        Instant cutoff = now.minus(retention).minus(DROP_GRACE);
        List<Partition> dropped = new ArrayList<>();
        while (true) {
            Optional<Partition> next = jdbi.inTransaction(h -> {
                Optional<Partition> old = lock(h).stream()
                        .filter(p -> p.upper() != null && !p.upper().isAfter(cutoff))
                        .findFirst();
                old.ifPresent(p -> {
                    // The keyed event ids of its clicks go with them (sink ClickRows): first, so a writer claiming
                    // one meanwhile waits and then finds it gone, and writes its click anew.
                    h.createUpdate("delete from click_keyed_events where received_at < :upper")
                            .bind("upper", p.upper()).execute();
                    h.execute("alter table clicks detach partition " + quoted(p.name()));
                    h.execute("drop table " + quoted(p.name()));
                });
                return old;
            });
            if (next.isEmpty()) {
                break;
            }
            log.info("Dropped click partition {} [{}, {}): past retention {}", next.get().name(), next.get().lower(),
                    next.get().upper(), retention);
            dropped.add(next.get());
        }
        if (!dropped.isEmpty()) {
            forget();
        }
        return dropped;
    }

    /** The partitions of {@code clicks}, oldest first. */
    public List<Partition> list() {
        return jdbi.withHandle(ClickPartitions::read);
    }

    private static List<Partition> lock(Handle h) {
        // A partition change waits for writers' transactions on clicks; never for long, never forever.
        h.execute("set local lock_timeout = '10s'");
        h.execute("select pg_advisory_xact_lock(?)", LOCK);
        return read(h);
    }

    private static List<Partition> read(Handle h) {
        List<Partition> partitions = new ArrayList<>(h.createQuery(PARTITIONS).mapToMap().list().stream()
                .filter(row -> !Boolean.TRUE.equals(row.get("is_default")))
                .map(row -> new Partition((String) row.get("name"), instant(row.get("lower_ms")),
                        instant(row.get("upper_ms"))))
                .toList());
        partitions.sort((a, b) -> a.lower() == null ? -1 : b.lower() == null ? 1 : a.lower().compareTo(b.lower()));
        return partitions;
    }

    /** The partition for {@code t}: its period, clipped to the gap between the partitions around it. */
    private Partition create(Handle h, List<Partition> existing, Instant t) {
        Instant lower = period.start(t);
        Instant upper = period.next(lower);
        for (Partition p : existing) {
            if (p.upper() != null && !p.upper().isAfter(t) && p.upper().isAfter(lower)) {
                lower = p.upper();
            }
            if (p.lower() != null && p.lower().isAfter(t) && p.lower().isBefore(upper)) {
                upper = p.lower();
            }
        }
        Partition partition = new Partition(name(lower), lower, upper);
        // DDL takes no bind parameters; the bounds are Instants formatted here, never input.
        h.execute("create table " + quoted(partition.name()) + " partition of clicks for values from ('"
                + lower + "') to ('" + upper + "')");
        log.info("Created click partition {} [{}, {})", partition.name(), lower, upper);
        return partition;
    }

    /** {@code clicks_p20261101}, with {@code _hhmmss} for a bound that is not a UTC midnight; as V4 names them. */
    static String name(Instant lower) {
        LocalDateTime at = LocalDateTime.ofInstant(lower, ZoneOffset.UTC);
        String name = "clicks_p" + DAY.format(at);
        return at.toLocalTime().toSecondOfDay() == 0 && at.getNano() == 0 ? name
                : name + "_" + TIME.format(at) + (at.getNano() == 0 ? "" : "_" + at.getNano() / 1_000_000);
    }

    private static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static Instant instant(Object millis) {
        return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
    }

    private static NavigableMap<Instant, Instant> ranges(List<Partition> partitions) {
        NavigableMap<Instant, Instant> ranges = new TreeMap<>();
        for (Partition p : partitions) {
            ranges.put(p.lower() == null ? Instant.MIN : p.lower(), p.upper() == null ? Instant.MAX : p.upper());
        }
        return ranges;
    }

    private static List<Instant> uncovered(Collection<Instant> instants, NavigableMap<Instant, Instant> ranges) {
        TreeSet<Instant> missing = new TreeSet<>();
        for (Instant t : instants) {
            Map.Entry<Instant, Instant> range = ranges.floorEntry(t);
            if (range == null || !t.isBefore(range.getValue())) {
                missing.add(t);
            }
        }
        return new ArrayList<>(missing);
    }
}
