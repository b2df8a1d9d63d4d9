package dev.affixo.ingest.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * The producer span of one traced click: from {@code send()} until the broker acknowledged the record (the moment
 * the API may answer 200). Its context travels in the record's {@code traceparent} (and {@code tracestate}) header,
 * so the processor's write of the click joins the same trace.
 */
public final class PublishSpan {

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("affixo.event_id");
    static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");

    private static final TextMapSetter<List<Header>> HEADERS =
            (headers, key, value) -> headers.add(new TraceHeader(key, value.getBytes(StandardCharsets.UTF_8)));

    private final Span span;

    PublishSpan(Span span) {
        this.span = span;
    }

    /** {@code traceparent} (and {@code tracestate} when the trace has one) naming this span as the parent. */
    public List<Header> headers() {
        List<Header> headers = new ArrayList<>(2);
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, HEADERS);
        return headers;
    }

    /** Kafka's own header class lives in an {@code internals} package; the interface is public. */
    private record TraceHeader(String key, byte[] value) implements Header {
    }

    /** The broker's answer (from the producer's callback): ends the span. */
    public void acknowledged(RecordMetadata metadata, Exception error) {
        if (error == null) {
            span.setAttribute(PARTITION, metadata.partition()).setAttribute(OFFSET, metadata.offset());
        } else {
            span.recordException(error).setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
