package dev.affixo.ingest.click;

import dev.affixo.common.ClickEvent;
import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.auth.Authenticator;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import dev.affixo.ingest.idempotency.IdempotencyGuard;
import dev.affixo.ingest.idempotency.RequestDigest;
import dev.affixo.ingest.links.Link;
import dev.affixo.ingest.links.LinkCache;
import dev.affixo.ingest.metrics.IngestMetrics;
import dev.affixo.ingest.publish.ClickPublisher;
import dev.affixo.ingest.ratelimit.KeyRateLimiters;
import dev.affixo.ingest.ratelimit.RateLimitDecision;
import dev.affixo.ingest.requestid.RequestIds;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * {@code POST /v1/track/click}: authenticate → rate limit → body → parse → find the link → claim the
 * Idempotency-Key, if any → publish → reply,
 * in the order of the contract's table (README, "The ingest API"); the first check that fails answers.
 * Every step is non-blocking; the only waits are for a cache miss (on the lookup executor) and for the
 * broker's acknowledgement, and the whole request is bounded by {@code requestTimeout}.
 */
@Component
class TrackClickHandler {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Authenticator authenticator;
    private final KeyRateLimiters rateLimiters;
    private final LinkCache links;
    private final ClickPublisher publisher;
    private final IdempotencyGuard idempotency;
    private final ErrorResponses errors;
    private final IngestMetrics metrics;
    private final RequestBody body;
    private final double fingerprintConfidence;
    private final Duration requestTimeout;

    TrackClickHandler(Authenticator authenticator, KeyRateLimiters rateLimiters, LinkCache links,
                      ClickPublisher publisher, IdempotencyGuard idempotency, ErrorResponses errors,
                      IngestMetrics metrics, IngestProperties properties) {
        this.idempotency = idempotency;
        this.authenticator = authenticator;
        this.rateLimiters = rateLimiters;
        this.links = links;
        this.publisher = publisher;
        this.errors = errors;
        this.metrics = metrics;
        this.body = new RequestBody(properties.maxBodyBytes());
        this.fingerprintConfidence = properties.fingerprintConfidence();
        this.requestTimeout = properties.requestTimeout();
    }

    Mono<ServerResponse> track(ServerRequest request) {
        Instant receivedAt = Instant.now();
        long startNanos = System.nanoTime();
        String requestId = RequestIds.of(request.exchange());
        return authenticator.authorizeTracking(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))
                .flatMap(key -> withinRateLimit(request, key, receivedAt, startNanos, requestId))
                .timeout(requestTimeout, Mono.error(() -> ApiException.unavailable(
                        new TimeoutException("request not answered within " + requestTimeout))))
                .onErrorResume(e -> reject(e, headers -> { }, startNanos, requestId));
    }

    /** Every answer after authentication carries the key's rate-limit headers, errors included. */
    private Mono<ServerResponse> withinRateLimit(ServerRequest request, ApiKey key, Instant receivedAt,
                                                 long startNanos, String requestId) {
        RateLimitDecision limit = rateLimiters.tryAcquire(key);
        if (!limit.allowed()) {
            metrics.rateLimited(key.id());
            return reject(ApiException.of(ApiError.RATE_LIMITED), limit::writeHeaders, startNanos, requestId);
        }
        return accept(request, key, receivedAt)
                .flatMap(reply -> {
                    metrics.accepted(startNanos);
                    return ServerResponse.ok()
                            .contentType(MediaType.APPLICATION_JSON)
                            .headers(limit::writeHeaders)
                            .bodyValue(reply);
                })
                .onErrorResume(e -> reject(e, limit::writeHeaders, startNanos, requestId));
    }

    /** Body, JSON, fields, link, then publish; completes with the 200 body once Kafka acknowledged the click. */
    private Mono<byte[]> accept(ServerRequest request, ApiKey key, Instant receivedAt) {
        // A declared length over the limit is answered before the content type, as the contract orders them.
        body.rejectDeclaredOverLimit(request.headers().contentLength());
        JsonContentType.require(request.headers().firstHeader(HttpHeaders.CONTENT_TYPE));
        return body.read(request.body(BodyExtractors.toDataBuffers())).flatMap(bytes -> {
            ClickRequest click = ClickRequestParser.parse(bytes);
            String idempotencyKey = ClickRequestParser.idempotencyKey(request.headers().firstHeader(IDEMPOTENCY_KEY));
            return Mono.fromFuture(links.find(key.workspaceId(), click.ref()), true)
                    .flatMap(found -> {
                        Link link = found.filter(Link::active)
                                .orElseThrow(() -> ApiException.of(ApiError.LINK_NOT_FOUND));
                        return publishClick(request, key, link, click, idempotencyKey, receivedAt);
                    });
        });
    }

    /**
     * The click is valid and its link active: assign the visitor, build the event, publish it and complete
     * with the reply once Kafka acknowledged. Everything before this point only checks the request; this is
     * the one place a click becomes an event.
     */
    private Mono<byte[]> publishClick(ServerRequest request, ApiKey key, Link link, ClickRequest click,
                                      String idempotencyKey, Instant receivedAt) {
        VisitorAssignment visitor =
                VisitorAssignment.assign(key.workspaceId(), click, idempotencyKey, fingerprintConfidence);
        ClickEvent event = ClickEvents.of(key, link, click, visitor, idempotencyKey, receivedAt);
        byte[] reply = ClickReply.accepted(visitor);
        return checkIdempotencyKey(key.workspaceId(), idempotencyKey, click)
                .then(publisher.publish(event, replyExecutor(request)))
                .thenReturn(reply);
    }

    private Mono<ServerResponse> reject(Throwable failure, Consumer<HttpHeaders> headers, long startNanos,
                                        String requestId) {
        metrics.rejected(ErrorResponses.toApiException(failure).error(), startNanos);
        return errors.respond(failure, headers, requestId);
    }

    /**
     * A keyed click is published only once its key is bound to this body (or the binding could not be checked,
     * see {@link IdempotencyGuard}); a key already bound to another body is 422. Unkeyed clicks pass at once.
     */
    private Mono<Void> checkIdempotencyKey(long workspaceId, String idempotencyKey, ClickRequest click) {
        if (idempotencyKey == null) {
            return Mono.empty();
        }
        byte[] digest = RequestDigest.of(click.ref(), click.visitorId(), click.fingerprint(), click.url(),
                click.referrer());
        return Mono.fromFuture(idempotency.check(workspaceId, idempotencyKey, digest), true)
                .flatMap(verdict -> verdict == IdempotencyGuard.Verdict.REUSED
                        ? Mono.error(ApiException.of(ApiError.IDEMPOTENCY_KEY_REUSED))
                        : Mono.empty());
    }

    /**
     * The event loop of the request's connection: the reply continues there once Kafka acknowledged, where
     * Netty writes it directly. Off Reactor Netty (never in production) it simply continues in place.
     */
    private static Executor replyExecutor(ServerRequest request) {
        Object connection = ServerHttpRequestDecorator.getNativeRequest(request.exchange().getRequest());
        return connection instanceof Connection netty ? netty.channel().eventLoop() : Runnable::run;
    }
}
