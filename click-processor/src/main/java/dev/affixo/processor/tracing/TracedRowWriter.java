package dev.affixo.processor.tracing;

import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.RowBatch;
import dev.affixo.processor.sink.RowTrace;
import dev.affixo.processor.sink.RowWriter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Puts the PostgreSQL write of every sampled click into that click's trace (docs/tracing.md). Rows are written in
 * batches of up to {@code maxBatchRows}, most of them unsampled, so:
 * <ul>
 *   <li>a batch without a sampled click is handed on as it is: no span, no allocation;</li>
 *   <li>a batch with some gets one {@code write clicks} span around the whole write, retries included, current
 *       while it runs so the write's log lines carry its ids. It is a child of the first sampled click's context
 *       and links the others';</li>
 *   <li>each sampled click then gets a {@code store click} span in its own trace: a child of the API's producer
 *       span, from the moment the sink took the click until its row was committed, linked to the batch span.</li>
 * </ul>
 * A batch that fails records the failure on its batch span; the rows stay pending (with their trace, which the
 * pending-rows changelog keeps) and their click spans come with the write that finally stores them.
 */
public final class TracedRowWriter implements RowWriter {

    static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
    static final AttributeKey<String> DB_COLLECTION = AttributeKey.stringKey("db.collection.name");
    static final AttributeKey<Long> BATCH_ROWS = AttributeKey.longKey("db.operation.batch.size");
    static final AttributeKey<Long> SAMPLED_ROWS = AttributeKey.longKey("affixo.sampled_rows");
    static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("affixo.event_id");
    static final AttributeKey<String> CLASSIFICATION = AttributeKey.stringKey("affixo.classification");

    private static final TextMapGetter<RowTrace> TRACE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RowTrace carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(RowTrace carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return switch (key) {
                case "traceparent" -> carrier.traceparent();
                case "tracestate" -> carrier.tracestate();
                default -> null;
            };
        }
    };

    private final RowWriter delegate;
    private final Tracer tracer;

    public TracedRowWriter(RowWriter delegate, Tracer tracer) {
        this.delegate = delegate;
        this.tracer = tracer;
    }

    @Override
    public List<ClickRow> write(RowBatch batch) {
        List<ClickRow> sampled = null;
        for (ClickRow row : batch.clicks()) {
            if (row.trace() != null) {
                if (sampled == null) {
                    sampled = new ArrayList<>();
                }
                sampled.add(row);
            }
        }
        if (sampled == null) {
            return delegate.write(batch);
        }
        SpanBuilder builder = tracer.spanBuilder("write clicks")
                .setParent(parentOf(sampled.get(0)))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(DB_SYSTEM, "postgresql")
                .setAttribute(DB_COLLECTION, "clicks")
                .setAttribute(BATCH_ROWS, (long) batch.size())
                .setAttribute(SAMPLED_ROWS, (long) sampled.size());
        for (int i = 1; i < sampled.size(); i++) {
            builder.addLink(Span.fromContext(parentOf(sampled.get(i))).getSpanContext());
        }
        Span write = builder.startSpan();
        List<ClickRow> refused;
        try (Scope ignored = write.makeCurrent()) {
            refused = delegate.write(batch);
        } catch (RuntimeException | Error e) {
            write.recordException(e).setStatus(StatusCode.ERROR);
            write.end();
            throw e;
        }
        write.end();
        for (ClickRow row : sampled) {
            storeSpan(row, write.getSpanContext(), refused.contains(row));
        }
        return refused;
    }

    private void storeSpan(ClickRow row, SpanContext batchWrite, boolean refused) {
        Span store = tracer.spanBuilder("store click")
                .setParent(parentOf(row))
                .setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(row.trace().pendingSinceMillis(), TimeUnit.MILLISECONDS)
                .addLink(batchWrite)
                .setAttribute(EVENT_ID, row.event().eventId())
                .setAttribute(CLASSIFICATION, row.classification().name().toLowerCase(Locale.ROOT))
                .startSpan();
        if (refused) {
            store.setStatus(StatusCode.ERROR, "event id already stored with other request fields (dead-lettered)");
        }
        store.end();
    }

    private static Context parentOf(ClickRow row) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), row.trace(), TRACE);
    }
}
