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
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what one task's {@code fingerprint-aliases} store knows about erased people: every entry whose fingerprint
 * or visitor is an erased identity of its workspace (the delete also tombstones the changelog, so compaction drops
 * the value from Kafka too). Run by a wall-clock punctuator on the task's own thread, the only one allowed to
 * write its store.
 *
 * <p>It asks the {@link ErasureFeed} for erasures completed since its last look, minus {@link #OVERLAP} (an
 * erasure's {@code completed_at} is its transaction's start, so one can commit with a time already looked past),
 * and scans the store only when one it has not purged yet is among them — erasures are rare, and the scan is
 * linear in the store. The first look after a start asks for every erasure ever: the restored store may hold
 * entries of any of them.
 */
public final class StatePurge {

    private static final Logger log = LoggerFactory.getLogger(StatePurge.class);
    static final Duration OVERLAP = Duration.ofMinutes(10);

    private final ErasureFeed feed;
    private final Map<UUID, Instant> purged = new HashMap<>();
    private Instant since = Instant.EPOCH;

    public StatePurge(ErasureFeed feed) {
        this.feed = feed;
    }

    /**
     * Deletes the entries of newly completed erasures from {@code aliases} (keys {@code <ws>:f:<fingerprint>},
     * values holding the visitor id); returns how many. A failing feed is logged and tried again next time.
     */
    public <V> int purge(KeyValueStore<String, V> aliases, java.util.function.Function<V, String> visitorOf) {
        List<ErasureFeed.Erased> erased;
        try {
            erased = feed.completedSince(since.minus(OVERLAP).isBefore(Instant.EPOCH) ? Instant.EPOCH
                    : since.minus(OVERLAP));
        } catch (RuntimeException e) {
            log.warn("Cannot read completed erasures, state purge tried again later: {}", e.toString());
            return 0;
        }
        Set<String> hashes = new HashSet<>();
        Instant newest = since;
        for (ErasureFeed.Erased e : erased) {
            if (!purged.containsKey(e.erasureId())) {
                hashes.add(e.workspaceId() + "/" + e.hashHex());
            }
            newest = e.completedAt().isAfter(newest) ? e.completedAt() : newest;
        }
        int deleted = hashes.isEmpty() ? 0 : deleteMatching(aliases, visitorOf, hashes);
        erased.forEach(e -> purged.put(e.erasureId(), e.completedAt()));
        since = newest;
        Instant forgetBefore = since.minus(OVERLAP.multipliedBy(2));
        purged.values().removeIf(at -> at.isBefore(forgetBefore));
        return deleted;
    }

    private static <V> int deleteMatching(KeyValueStore<String, V> aliases,
                                          java.util.function.Function<V, String> visitorOf, Set<String> hashes) {
        List<String> doomed = new ArrayList<>();
        try (KeyValueIterator<String, V> all = aliases.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> entry = all.next();
                int first = entry.key.indexOf(':');
                long ws = Long.parseLong(entry.key.substring(0, first));
                String fingerprint = entry.key.substring(first + 3); // "<ws>:f:<fingerprint>"
                if (hashes.contains(ws + "/" + ErasedIdentity.FINGERPRINT.hex(ws, fingerprint))
                        || hashes.contains(ws + "/" + ErasedIdentity.VISITOR.hex(ws, visitorOf.apply(entry.value)))) {
                    doomed.add(entry.key);
                }
            }
        }
        doomed.forEach(aliases::delete);
        return doomed.size();
    }
}
