package dev.affixo.ingest.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.function.Supplier;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The server span of one traced tracking request, or {@link #NONE}. Every method of {@code NONE} returns at once and
 * allocates nothing, so the untraced path stays as it was.
 */
public final class RequestSpan {

    public static final RequestSpan NONE = new RequestSpan(null, null);

    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

    private final Tracer tracer;
    private final Span span;

    RequestSpan(Tracer tracer, Span span) {
        this.tracer = tracer;
        this.span = span;
    }

    public boolean traced() {
        return span != null;
    }

    /**
     * A producer span for one click this request publishes, whose context goes into the record's headers; null
     * when the request is not traced.
     */
    public PublishSpan publishing(String topic, String eventId) {
        if (span == null) {
            return null;
        }
        Span send = tracer.spanBuilder("send " + topic)
                .setParent(Context.root().with(span))
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(PublishSpan.MESSAGING_SYSTEM, "kafka")
                .setAttribute(PublishSpan.DESTINATION, topic)
                .setAttribute(PublishSpan.EVENT_ID, eventId)
                .startSpan();
        return new PublishSpan(send);
    }

    /** {@code answer}, ending this span with its status once it is answered (or given up). */
    public Mono<ServerResponse> endWhenAnswered(Mono<ServerResponse> answer) {
        if (span == null) {
            return answer;
        }
        return answer
                .doOnNext(response -> {
                    int status = response.statusCode().value();
                    span.setAttribute(HTTP_STATUS, status);
                    if (status >= 500) {
                        span.setStatus(StatusCode.ERROR);
                    }
                })
                .doOnError(failure -> span.recordException(failure).setStatus(StatusCode.ERROR))
                .doFinally(signal -> span.end());
    }

    /**
     * Runs {@code work} with this span current, so the lines it logs carry its trace and span ids (Spring Boot's
     * log correlation puts them in the MDC as {@code traceId} and {@code spanId}).
     */
    public <T> T whileCurrent(Supplier<T> work) {
        if (span == null) {
            return work.get();
        }
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        }
    }
}
