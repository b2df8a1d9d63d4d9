package dev.affixo.processor.sink;

import java.util.List;

/**
 * What one write puts into PostgreSQL, in one transaction.
 *
 * @param relabel whether a click already stored takes this batch's matching and dedup result ({@code true}: a
 *                replay, which re-derives labels on purpose) or keeps the one it was first stored with
 *                ({@code false}: the live processor, whose re-writes are redeliveries and crash recoveries)
 */
public record RowBatch(List<ClickRow> clicks, List<AliasRow> aliases, boolean relabel) {

    public RowBatch {
        clicks = List.copyOf(clicks);
        aliases = List.copyOf(aliases);
    }

    /** A live batch: stored clicks keep their labels. */
    public RowBatch(List<ClickRow> clicks, List<AliasRow> aliases) {
        this(clicks, aliases, false);
    }

    public int size() {
        return clicks.size() + aliases.size();
    }
}
