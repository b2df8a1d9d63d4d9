package dev.affixo.processor.sink;

import java.util.List;

/** What one write puts into PostgreSQL, in one transaction. */
public record RowBatch(List<ClickRow> clicks, List<AliasRow> aliases) {

    public RowBatch {
        clicks = List.copyOf(clicks);
        aliases = List.copyOf(aliases);
    }

    public int size() {
        return clicks.size() + aliases.size();
    }
}
