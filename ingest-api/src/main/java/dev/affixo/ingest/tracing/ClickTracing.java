package dev.affixo.ingest.tracing;

import dev.affixo.common.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Decides, per tracking request, whether it is traced, and starts its server span if so (docs/tracing.md).
 *
 * <p>By hand instead of Spring's WebFlux server observation: that one builds an observation context and looks up
 * meters for every request, sampled or not, which is why it is switched off here (application.yml). This costs an
 * unsampled request one header lookup, a check of at most 55 characters and, without a {@code traceparent}, one
 * random draw — no allocation. Only a request that will be recorded reaches OpenTelemetry.
 *
 * <ul>
 *   <li>A well-formed {@code traceparent} decides: sampled flag set, the request joins that trace; unset, nothing is
 *       recorded and nothing is propagated (the click's record gets no header: its one consumer, the processor,
 *       would record nothing for it either, and the header would cost every such record ~70 bytes).</li>
 *   <li>None, or a malformed one: a new trace with probability {@code sampling}. The draw is made here, before
 *       any id exists; {@link DrawnRootSampler} then has OpenTelemetry's sampler honour it.</li>
 * </ul>
 */
public final class ClickTracing {

    /** Tracing switched off: every request gets {@link RequestSpan#NONE} without looking at it. */
    public static final ClickTracing OFF = new ClickTracing(null, 0);

    /** In the parent context of a root span this API decided to sample. */
    static final ContextKey<Boolean> ROOT_DRAWN = ContextKey.named("affixo.tracing.root-drawn");

    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("affixo.request_id");

    private static final TextMapGetter<ServerRequest.Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ServerRequest.Headers carrier) {
            return List.of(TraceParent.HEADER, TraceParent.STATE_HEADER);
        }

        @Override
        public String get(ServerRequest.Headers carrier, String key) {
            return carrier == null ? null : carrier.firstHeader(key);
        }
    };

    private final Tracer tracer;
    private final double sampling;

    /** @param sampling probability that a request without a usable {@code traceparent} starts a sampled trace */
    public ClickTracing(Tracer tracer, double sampling) {
        this.tracer = tracer;
        this.sampling = sampling;
    }

    /** The request's server span, or {@link RequestSpan#NONE} when it is not traced. */
    public RequestSpan begin(ServerRequest request, String requestId) {
        if (tracer == null) {
            return RequestSpan.NONE;
        }
        Context parent;
        int given = TraceParent.read(request.headers().firstHeader(TraceParent.HEADER));
        if (given == TraceParent.NOT_SAMPLED) {
            return RequestSpan.NONE;
        } else if (given == TraceParent.SAMPLED) {
            parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), request.headers(), HEADERS);
        } else if (ThreadLocalRandom.current().nextDouble() < sampling) {
            parent = Context.root().with(ROOT_DRAWN, Boolean.TRUE);
        } else {
            return RequestSpan.NONE;
        }
        String route = request.requestPath().value();
        Span span = tracer.spanBuilder("POST " + route)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_METHOD, "POST")
                .setAttribute(HTTP_ROUTE, route)
                .setAttribute(REQUEST_ID, requestId)
                .startSpan();
        if (!span.getSpanContext().isSampled()) {
            // OpenTelemetry's sampler said no after all (tracing disabled there): nothing to carry
            span.end();
            return RequestSpan.NONE;
        }
        return new RequestSpan(tracer, span);
    }
}
