package dev.affixo.processor;

import dev.affixo.processor.sink.AliasRow;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.RowBatch;
import dev.affixo.processor.sink.RowWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stands in for PostgreSQL behind {@link RowWriter} in TopologyTestDriver tests only: keeps rows the way the
 * upserts would (by event id, refusing an event id already kept with other request fields, keeping a stored
 * click's labels unless the batch relabels; alias by workspace and fingerprint) and every batch as written.
 */
public final class RecordingRowWriter implements RowWriter {

    private final Map<String, ClickRow> clicks = new LinkedHashMap<>();
    private final Map<String, AliasRow> aliases = new LinkedHashMap<>();
    private final List<RowBatch> batches = new ArrayList<>();

    @Override
    public synchronized List<ClickRow> write(RowBatch batch) {
        batches.add(batch);
        List<ClickRow> refused = new ArrayList<>();
        for (ClickRow row : batch.clicks()) {
            ClickRow kept = clicks.get(row.event().eventId());
            if (kept != null && !kept.event().sameRequestAs(row.event())) {
                refused.add(row);
            } else if (kept == null || batch.relabel()) {
                clicks.put(row.event().eventId(), row);
            }
        }
        batch.aliases().forEach(a -> aliases.merge(a.workspaceId() + ":" + a.fingerprint(), a,
                (old, neu) -> neu.updatedAt().isBefore(old.updatedAt()) ? old : neu));
        return refused;
    }

    public synchronized List<ClickRow> clicks() {
        return List.copyOf(clicks.values());
    }

    public synchronized ClickRow click(String eventId) {
        return clicks.get(eventId);
    }

    public synchronized List<AliasRow> aliases() {
        return List.copyOf(aliases.values());
    }

    /** Every click row ever handed to the writer, including rewrites of the same event id. */
    public synchronized List<ClickRow> clickWrites() {
        return batches.stream().flatMap(b -> b.clicks().stream()).toList();
    }
}
