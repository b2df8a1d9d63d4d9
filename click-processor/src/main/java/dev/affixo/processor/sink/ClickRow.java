package dev.affixo.processor.sink;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.dedup.Classification;
import java.util.Objects;

/** One {@code clicks} row: the event as accepted, plus what matching and dedup made of it. */
public record ClickRow(ClickEvent event, String canonicalVisitorId, Classification classification) {

    public ClickRow {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(canonicalVisitorId, "canonicalVisitorId");
        Objects.requireNonNull(classification, "classification");
    }

    public static ClickRow of(ClickEvent event, String canonicalVisitorId, Classification classification) {
        return new ClickRow(event, canonicalVisitorId, classification);
    }
}
