package dev.affixo.processor.sink;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.processor.dedup.Classification;
import java.util.Objects;

/**
 * One {@code clicks} row: the event as accepted, plus what matching and dedup made of it.
 *
 * @param source   {@code topic-partition@offset} of the accepted-clicks record, for a dead letter if the row is
 *                 refused
 * @param accepted the accepted-clicks record value the event was decoded from, byte for byte: the pending-rows
 *                 changelog and a dead letter carry these bytes, so nothing re-encodes the event on the way
 *                 (and what is kept is exactly what was accepted). Not compared by {@code equals}: it is the
 *                 event's own encoding.
 * @param trace    the trace of a sampled click, for its write span (docs/tracing.md); null for every other click.
 *                 Not compared by {@code equals}: it says how the row was observed, not what it is.
 */
public record ClickRow(ClickEvent event, String canonicalVisitorId, Classification classification, String source,
                       byte[] accepted, RowTrace trace) {

    public ClickRow(ClickEvent event, String canonicalVisitorId, Classification classification, String source,
                    byte[] accepted) {
        this(event, canonicalVisitorId, classification, source, accepted, null);
    }

    public ClickRow {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(canonicalVisitorId, "canonicalVisitorId");
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(accepted, "accepted");
    }

    /** A row for an event that did not come from a record (tests, direct writes): encoded once here. */
    public static ClickRow of(ClickEvent event, String canonicalVisitorId, Classification classification) {
        return new ClickRow(event, canonicalVisitorId, classification, "unknown", ClickEventCodec.encode(event));
    }

    public ClickRow withTrace(RowTrace trace) {
        return new ClickRow(event, canonicalVisitorId, classification, source, accepted, trace);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClickRow other && event.equals(other.event)
                && canonicalVisitorId.equals(other.canonicalVisitorId)
                && classification == other.classification && source.equals(other.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, canonicalVisitorId, classification, source);
    }
}
