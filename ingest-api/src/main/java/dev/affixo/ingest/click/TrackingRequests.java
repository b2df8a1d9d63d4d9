package dev.affixo.ingest.click;

import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.auth.Authenticator;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import dev.affixo.ingest.metrics.IngestMetrics;
import dev.affixo.ingest.ratelimit.RateLimitDecision;
import dev.affixo.ingest.requestid.RequestIds;
import dev.affixo.ingest.tracing.ClickTracing;
import dev.affixo.ingest.tracing.RequestSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * What every tracking request has in common, whether it carries one click or a batch: the key is checked first
 * (401, 403), the whole answer comes within {@code requestTimeout} (503 past it), and every failure is answered
 * with the error envelope and counted.
 */
@Component
class TrackingRequests {

    /** One request being answered: when it came, its id for the log, and its span ({@link RequestSpan#NONE}: untraced). */
    record Call(ServerRequest request, Instant receivedAt, long startNanos, String requestId, RequestSpan span) {
    }

    private final Authenticator authenticator;
    private final ErrorResponses errors;
    private final IngestMetrics metrics;
    private final Duration requestTimeout;
    private final ClickTracing tracing;

    TrackingRequests(Authenticator authenticator, ErrorResponses errors, IngestMetrics metrics,
                     IngestProperties properties, ClickTracing tracing) {
        this.authenticator = authenticator;
        this.tracing = tracing;
        this.errors = errors;
        this.metrics = metrics;
        this.requestTimeout = properties.requestTimeout();
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    /** The request, as it is being answered from now on. */
    Call begin(ServerRequest request) {
        String requestId = RequestIds.of(request.exchange());
        return new Call(request, Instant.now(), System.nanoTime(), requestId, tracing.begin(request, requestId));
    }

    /** Authenticates, then answers with {@code authorized}; bounded in time, any failure answered as an error. */
    Mono<ServerResponse> handle(ServerRequest request, BiFunction<Call, ApiKey, Mono<ServerResponse>> authorized) {
        Call call = begin(request);
        Mono<ServerResponse> answer = authenticator.authorizeTracking(
                        request.headers().firstHeader(HttpHeaders.AUTHORIZATION))
                .flatMap(key -> authorized.apply(call, key))
                .timeout(requestTimeout, Mono.error(() -> ApiException.unavailable(
                        new TimeoutException("request not answered within " + requestTimeout))))
                .onErrorResume(e -> reject(call, e, headers -> { }));
        return call.span().endWhenAnswered(answer);
    }

    /** A 200 with its JSON body and the key's rate-limit headers. */
    static Mono<ServerResponse> ok(byte[] body, RateLimitDecision limit) {
        return Mono.just(new OkResponse(body, limit));
    }

    /** 429 for this key, with the headers that say when its window resets. */
    Mono<ServerResponse> rateLimited(Call call, ApiKey key, RateLimitDecision limit) {
        metrics.rateLimited(key.id());
        return reject(call, ApiException.of(ApiError.RATE_LIMITED), limit::writeHeaders);
    }

    Mono<ServerResponse> reject(Call call, Throwable failure, Consumer<HttpHeaders> headers) {
        metrics.rejected(ErrorResponses.toApiException(failure).error(), call.startNanos());
        if (call.span().traced()) {
            // the 503/500 line respond() logs then carries the trace and span ids
            return call.span().whileCurrent(() -> errors.respond(failure, headers, call.requestId()));
        }
        return errors.respond(failure, headers, call.requestId());
    }
}
