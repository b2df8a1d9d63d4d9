package dev.affixo.processor.erasure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one task knows of completed erasures: for each erased identity, when its erasures were requested. A stream
 * step asks it {@link #erasedAtOrBefore} to decide as the sink does — a click received before an erasure's request
 * is the person's, a click received at or after it is new — and {@link #refresh}es it from a wall-clock punctuator
 * (and once when the task starts) to learn of new erasures, which it then purges from its state.
 *
 * <p>Why decisions go by the request time and never by when the task learned of an erasure: the task learns at
 * some wall-clock moment, which differs between the live run and a replay (and between two replays). A rule of the
 * form "a click received after the erasure ignores state from before it" gives every click the same result whether
 * or not the purge has run yet, so purging can happen at any point of a replay without changing a label.
 *
 * <p>Every erasure ever completed is kept (a replay from the start of retention meets clicks around old ones): about
 * 250 bytes of heap per erased identity per task (a hex key, a list, an instant). Erasures are rare; at thousands of
 * them this is a few MB, far below the task's stores.
 * Single-threaded: used from one task's stream thread only.
 */
public final class ErasureLedger {

    private static final Logger log = LoggerFactory.getLogger(ErasureLedger.class);
    /**
     * An erasure's {@code completed_at} is its transaction's start, so one can commit with a time already looked
     * past: each look goes back this far, and erasures seen before are skipped by id.
     */
    static final Duration OVERLAP = Duration.ofMinutes(10);

    private final ErasureFeed feed;
    /** "workspace/hash" → request times of the erasures of that identity, ascending. */
    private final Map<String, List<Instant>> requested = new HashMap<>();
    private final Set<Long> workspaces = new HashSet<>();
    private final Map<UUID, Instant> seen = new HashMap<>();
    private Instant since = Instant.EPOCH;

    public ErasureLedger(ErasureFeed feed) {
        this.feed = feed;
    }

    /**
     * Reads the erasures completed since the last look (every one ever, the first time), remembers them, and
     * returns the identities of those not seen before — what the caller has to purge. A failing feed is logged and
     * returns nothing; the next look asks again from the same point.
     */
    public List<ErasureFeed.Erased> refresh() {
        List<ErasureFeed.Erased> completed;
        Instant from = since.minus(OVERLAP).isBefore(Instant.EPOCH) ? Instant.EPOCH : since.minus(OVERLAP);
        try {
            completed = feed.completedSince(from);
        } catch (RuntimeException e) {
            log.warn("Cannot read completed erasures, state purge tried again later: {}", e.toString());
            return List.of();
        }
        List<ErasureFeed.Erased> fresh = new ArrayList<>();
        Instant newest = since;
        for (ErasureFeed.Erased e : completed) {
            if (!seen.containsKey(e.erasureId())) {
                fresh.add(e);
                List<Instant> times = requested.computeIfAbsent(key(e.workspaceId(), e.hashHex()),
                        k -> new ArrayList<>(1));
                if (!times.contains(e.requestedAt())) {
                    times.add(e.requestedAt());
                    times.sort(null);
                }
                workspaces.add(e.workspaceId());
            }
            newest = e.completedAt().isAfter(newest) ? e.completedAt() : newest;
        }
        fresh.forEach(e -> seen.put(e.erasureId(), e.completedAt()));
        since = newest;
        Instant forgetBefore = since.minus(OVERLAP.multipliedBy(2));
        seen.values().removeIf(at -> at.isBefore(forgetBefore));
        return fresh;
    }

    /** Whether any erasure of this workspace is known: when not, no click of it needs hashing. */
    public boolean hasErasures(long workspaceId) {
        return workspaces.contains(workspaceId);
    }

    /**
     * The latest request time of an erasure of this identity that is at or before {@code at} (so a click received
     * at {@code at} is after it, and not the erased person's), or null if there is none.
     */
    public Instant erasedAtOrBefore(long workspaceId, ErasedIdentity kind, String value, Instant at) {
        if (!workspaces.contains(workspaceId) || value == null) {
            return null;
        }
        List<Instant> times = requested.get(key(workspaceId, kind.hex(workspaceId, value)));
        if (times == null) {
            return null;
        }
        Instant latest = null;
        for (Instant t : times) {
            if (!t.isAfter(at)) {
                latest = t;
            }
        }
        return latest;
    }

    /**
     * Whether an erasure of this identity was requested after {@code at}: a click received at {@code at} is then
     * the erased person's (the sink stores it erased), and no state may be built from it.
     */
    public boolean erasesClickAt(long workspaceId, ErasedIdentity kind, String value, Instant at) {
        if (!workspaces.contains(workspaceId) || value == null) {
            return false;
        }
        List<Instant> times = requested.get(key(workspaceId, kind.hex(workspaceId, value)));
        return times != null && times.get(times.size() - 1).isAfter(at);
    }

    /** Whether any erasure of this identity is known, whenever it was requested. */
    public boolean erasedEver(long workspaceId, ErasedIdentity kind, String value) {
        return workspaces.contains(workspaceId) && value != null
                && requested.containsKey(key(workspaceId, kind.hex(workspaceId, value)));
    }

    /** The identities of {@code erased}, as "workspace/hash" → the latest request time among them. */
    public static Map<String, Instant> latestRequestByIdentity(List<ErasureFeed.Erased> erased) {
        Map<String, Instant> latest = new HashMap<>();
        for (ErasureFeed.Erased e : erased) {
            latest.merge(key(e.workspaceId(), e.hashHex()), e.requestedAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
        return latest;
    }

    /** The key {@link #latestRequestByIdentity} uses for one identity. */
    public static String key(long workspaceId, ErasedIdentity kind, String value) {
        return key(workspaceId, kind.hex(workspaceId, value));
    }

    private static String key(long workspaceId, String hashHex) {
        return workspaceId + "/" + hashHex;
    }
}
