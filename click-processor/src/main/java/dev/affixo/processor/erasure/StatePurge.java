package dev.affixo.processor.erasure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Removes what one task's {@code fingerprint-aliases} store knows about erased people: every entry whose fingerprint
 * or visitor is an erased identity of its workspace and that was set before the erasure's request (the delete also
 * tombstones the changelog, so compaction drops the value from Kafka too). An alias set later — the person's cookie
 * coming back with the fingerprint — is new data, as the clicks it comes from are, and stays. Run by a wall-clock
 * punctuator on the task's own thread, the only one allowed to write its store.
 *
 * <p>Its {@link ErasureLedger} says which erasures are new since its last look; the store is scanned only when
 * there are any — erasures are rare, and the scan is linear in the store. The first look after a start takes every
 * erasure ever: the restored store may hold entries of any of them.
 */
public final class StatePurge {

    private final ErasureLedger ledger;

    public StatePurge(ErasureLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * Deletes the entries of newly completed erasures from {@code aliases} (keys {@code <ws>:f:<fingerprint>},
     * values holding the visitor id and the {@code received_at} that set them); returns how many.
     */
    public <V> int purge(KeyValueStore<String, V> aliases, Function<V, String> visitorOf,
                         ToLongFunction<V> updatedAtMillisOf) {
        Map<String, Instant> requested = ErasureLedger.latestRequestByIdentity(ledger.refresh());
        if (requested.isEmpty()) {
            return 0;
        }
        List<String> doomed = new ArrayList<>();
        try (KeyValueIterator<String, V> all = aliases.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> entry = all.next();
                int first = entry.key.indexOf(':');
                long ws = Long.parseLong(entry.key.substring(0, first));
                String fingerprint = entry.key.substring(first + 3); // "<ws>:f:<fingerprint>"
                Instant setAt = Instant.ofEpochMilli(updatedAtMillisOf.applyAsLong(entry.value));
                if (setBefore(requested.get(ErasureLedger.key(ws, ErasedIdentity.FINGERPRINT, fingerprint)), setAt)
                        || setBefore(requested.get(ErasureLedger.key(ws, ErasedIdentity.VISITOR,
                        visitorOf.apply(entry.value))), setAt)) {
                    doomed.add(entry.key);
                }
            }
        }
        doomed.forEach(aliases::delete);
        return doomed.size();
    }

    private static boolean setBefore(Instant requestedAt, Instant setAt) {
        return requestedAt != null && setAt.isBefore(requestedAt);
    }
}
