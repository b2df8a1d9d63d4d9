package dev.affixo.processor.sink;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.dedup.Classification;
import java.util.Objects;

/**
 * One {@code clicks} row: the event as accepted, plus what matching and dedup made of it.
 *
 * @param source {@code topic-partition@offset} of the accepted-clicks record, for a dead letter if the row is
 *               refused
 */
public record ClickRow(ClickEvent event, String canonicalVisitorId, Classification classification, String source) {

    public ClickRow {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(canonicalVisitorId, "canonicalVisitorId");
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(source, "source");
    }

    public static ClickRow of(ClickEvent event, String canonicalVisitorId, Classification classification) {
        return new ClickRow(event, canonicalVisitorId, classification, "unknown");
    }
}
