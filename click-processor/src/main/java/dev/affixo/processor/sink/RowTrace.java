package dev.affixo.processor.sink;

import dev.affixo.common.TraceParent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The trace a sampled click belongs to, carried with its pending row to the write that stores it (docs/tracing.md):
 * the W3C context the ingest API put into the record's headers, and when the row became pending. Only sampled clicks
 * have one; the API sends no header for the others.
 *
 * @param traceparent        as received (its parent id is the API's producer span)
 * @param tracestate         as received, or null
 * @param pendingSinceMillis wall clock when the sink took the click: the start of its write span
 */
public record RowTrace(String traceparent, String tracestate, long pendingSinceMillis) {

    /**
     * The trace of a record whose headers carry a sampled {@code traceparent}, else null. Headers travel with the
     * record through every step and the repartition topic, so the sink sees what the API wrote.
     */
    public static RowTrace of(Headers headers, long nowMillis) {
        Header parent = headers.lastHeader(TraceParent.HEADER);
        if (parent == null || parent.value() == null) {
            return null;
        }
        String traceparent = new String(parent.value(), StandardCharsets.ISO_8859_1);
        if (TraceParent.read(traceparent) != TraceParent.SAMPLED) {
            return null;
        }
        Header state = headers.lastHeader(TraceParent.STATE_HEADER);
        return new RowTrace(traceparent,
                state == null || state.value() == null ? null : new String(state.value(), StandardCharsets.UTF_8),
                nowMillis);
    }
}
