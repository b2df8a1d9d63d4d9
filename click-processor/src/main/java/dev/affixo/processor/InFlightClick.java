package dev.affixo.processor;

import dev.affixo.common.ClickEvent;
import java.util.Objects;

/**
 * A click on its way through the topology.
 *
 * <p>It carries the record's original bytes and its source coordinates all the way to the sink, so that a
 * step that fails on it can dead-letter exactly what the ingest API published, pointing at where it came from.
 *
 * @param original           the accepted-clicks record value, byte for byte
 * @param source             {@code topic-partition@offset} of that record
 * @param event              the decoded event
 * @param canonicalVisitorId the visitor this click belongs to after matching; null before matching
 */
public record InFlightClick(byte[] original, String source, ClickEvent event, String canonicalVisitorId) {

    public InFlightClick {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(event, "event");
    }

    public InFlightClick matchedTo(String canonicalVisitor) {
        return new InFlightClick(original, source, event, canonicalVisitor);
    }
}
