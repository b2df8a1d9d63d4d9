package dev.affixo.processor.dedup;

import dev.affixo.processor.erasure.ErasedIdentity;
import dev.affixo.processor.erasure.ErasureLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Removes erased people's unique clicks from one task's {@code unique-anchors} store: every anchor whose canonical
 * visitor is an erased identity and whose {@code received_at} is before that erasure's request (a delete in a
 * window store is a {@code null} put at the entry's time, which tombstones the changelog too). Anchors of clicks
 * after the request are a new visitor's and stay. Run when the dedup task starts and from its wall-clock
 * punctuator, on its own stream thread.
 *
 * <p>The purge changes no label, whenever it runs: {@link DedupStep} never lets an anchor from before an erasure
 * decide about a click after it, and the clicks before it are the erased person's, whose stored rows keep their
 * labels (docs/privacy.md, "The processor's state").
 */
final class AnchorPurge {

    private final ErasureLedger ledger;

    AnchorPurge(ErasureLedger ledger) {
        this.ledger = ledger;
    }

    /** Deletes the anchors of newly completed erasures; returns how many. Scans only when there are any. */
    int purge(WindowStore<VisitorLinkKey, UUID> anchors) {
        Map<String, Instant> requested = ErasureLedger.latestRequestByIdentity(ledger.refresh());
        if (requested.isEmpty()) {
            return 0;
        }
        // A visitor has a few anchors per link and many links: hash each (workspace, visitor) once per scan.
        Map<String, Instant> byVisitor = new HashMap<>();
        List<KeyValue<VisitorLinkKey, Long>> doomed = new ArrayList<>();
        try (KeyValueIterator<Windowed<VisitorLinkKey>, UUID> all = anchors.all()) {
            while (all.hasNext()) {
                Windowed<VisitorLinkKey> entry = all.next().key;
                VisitorLinkKey key = entry.key();
                Instant erasedAt = byVisitor.computeIfAbsent(key.workspaceId() + ":" + key.canonicalVisitorId(),
                        k -> requested.getOrDefault(ErasureLedger.key(key.workspaceId(), ErasedIdentity.VISITOR,
                                key.canonicalVisitorId()), Instant.MIN));
                if (Instant.ofEpochMilli(entry.window().start()).isBefore(erasedAt)) {
                    doomed.add(KeyValue.pair(key, entry.window().start()));
                }
            }
        }
        doomed.forEach(d -> anchors.put(d.key, null, d.value));
        return doomed.size();
    }
}
