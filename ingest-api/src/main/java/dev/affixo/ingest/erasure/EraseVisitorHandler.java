package dev.affixo.ingest.erasure;

import dev.affixo.common.erasure.ErasureRequest;
import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.auth.Authenticator;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import dev.affixo.ingest.metrics.IngestMetrics;
import dev.affixo.ingest.ratelimit.KeyRateLimiters;
import dev.affixo.ingest.ratelimit.RateLimitDecision;
import dev.affixo.ingest.requestid.RequestIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code DELETE /v1/visitors/{visitor_id}}: authenticate (401) → scope {@code write} (403) → the key's rate limit,
 * one permit like any call (429) → the id (400) → record the erasure → 202 with its id. Never 404: an unknown
 * visitor is erased as well as a known one (a no-op), so the answer does not tell who exists. The 202 comes only
 * once the request is committed in PostgreSQL; applying it is the click processor's (docs/privacy.md).
 */
@Component
class EraseVisitorHandler {

    private final Authenticator authenticator;
    private final KeyRateLimiters rateLimiters;
    private final VisitorErasures erasures;
    private final ErrorResponses errors;
    private final IngestMetrics metrics;
    private final Duration requestTimeout;

    EraseVisitorHandler(Authenticator authenticator, KeyRateLimiters rateLimiters, VisitorErasures erasures,
                        ErrorResponses errors, IngestMetrics metrics, IngestProperties properties) {
        this.authenticator = authenticator;
        this.rateLimiters = rateLimiters;
        this.erasures = erasures;
        this.errors = errors;
        this.metrics = metrics;
        this.requestTimeout = properties.requestTimeout();
    }

    Mono<ServerResponse> erase(ServerRequest request) {
        long start = System.nanoTime();
        String requestId = RequestIds.of(request.exchange());
        String rawPath = request.exchange().getRequest().getPath().pathWithinApplication().value();
        return authenticator.authorizeWriting(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))
                .flatMap(key -> withinRateLimit(key, rawPath, start, requestId))
                .timeout(requestTimeout, Mono.error(() -> ApiException.unavailable(
                        new TimeoutException("request not answered within " + requestTimeout))))
                .onErrorResume(e -> reject(e, headers -> { }, start, requestId));
    }

    private Mono<ServerResponse> withinRateLimit(ApiKey key, String rawPath, long start, String requestId) {
        RateLimitDecision limit = rateLimiters.tryAcquire(key);
        if (!limit.allowed()) {
            metrics.rateLimited(key.id());
            return reject(ApiException.of(ApiError.RATE_LIMITED), limit::writeHeaders, start, requestId);
        }
        return Mono.defer(() -> {
                    ErasureRequest erasure = ErasureRequest.of(key.workspaceId(), key.id(),
                            VisitorIdPath.visitorId(rawPath));
                    return Mono.fromFuture(() -> erasures.record(erasure), true);
                })
                .flatMap(recorded -> ServerResponse.status(HttpStatus.ACCEPTED)
                        .contentType(MediaType.APPLICATION_JSON)
                        .headers(limit::writeHeaders)
                        .bodyValue(("{\"ok\":true,\"erasure_id\":\"" + recorded.erasureId() + "\"}")
                                .getBytes(StandardCharsets.UTF_8)))
                .onErrorResume(e -> reject(e, limit::writeHeaders, start, requestId));
    }

    private Mono<ServerResponse> reject(Throwable failure, Consumer<HttpHeaders> headers, long start,
                                        String requestId) {
        metrics.rejected(ErrorResponses.toApiException(failure).error(), start);
        return errors.respond(failure, headers, requestId);
    }
}
