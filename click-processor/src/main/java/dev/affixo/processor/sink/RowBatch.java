package dev.affixo.processor.sink;

import java.util.List;

/**
 * What one write puts into PostgreSQL, in one transaction.
 *
 * @param rederive true for a replay: stored clicks take the re-derived matching and labels; false for live
 *                 processing, where a click already stored keeps them (see {@code ClickRows})
 */
public record RowBatch(List<ClickRow> clicks, List<AliasRow> aliases, boolean rederive) {

    public RowBatch {
        clicks = List.copyOf(clicks);
        aliases = List.copyOf(aliases);
    }

    /** A batch of live processing. */
    public RowBatch(List<ClickRow> clicks, List<AliasRow> aliases) {
        this(clicks, aliases, false);
    }

    public int size() {
        return clicks.size() + aliases.size();
    }
}
