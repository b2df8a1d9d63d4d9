package dev.affixo.ingest.click;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.Ids;
import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.auth.Authenticator;
import dev.affixo.ingest.cache.LookupCache;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import dev.affixo.ingest.idempotency.IdempotencyGuard;
import dev.affixo.ingest.idempotency.RequestDigest;
import dev.affixo.ingest.links.Link;
import dev.affixo.ingest.metrics.IngestMetrics;
import dev.affixo.ingest.publish.ClickPublisher;
import dev.affixo.ingest.requestid.RequestIds;
import dev.affixo.ingest.ratelimit.KeyRateLimiters;
import dev.affixo.ingest.ratelimit.RateLimitDecision;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/track/click}: the checks of SPEC §2 in their order, then publish and reply.
 * Every step is non-blocking; the only waits are for a cache miss (on the lookup executor) and for
 * the broker's acknowledgement, and the whole request is bounded by {@code requestTimeout}.
 */
@Component
class TrackClickHandler {

    static final String EVENT_NAMESPACE = "affixo.event";
    private static final byte[] EMPTY = new byte[0];
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Authenticator authenticator;
    private final KeyRateLimiters rateLimiters;
    private final LookupCache<String, Link> links;
    private final ClickPublisher publisher;
    private final IdempotencyGuard idempotency;
    private final ErrorResponses errors;
    private final IngestMetrics metrics;
    private final int maxBodyBytes;
    private final double fingerprintConfidence;
    private final Duration requestTimeout;

    TrackClickHandler(Authenticator authenticator, KeyRateLimiters rateLimiters, LookupCache<String, Link> linkCache,
                      ClickPublisher publisher, IdempotencyGuard idempotency, ErrorResponses errors,
                      IngestMetrics metrics, IngestProperties properties) {
        this.idempotency = idempotency;
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.rateLimiters = rateLimiters;
        this.links = linkCache;
        this.publisher = publisher;
        this.errors = errors;
        this.maxBodyBytes = properties.maxBodyBytes();
        this.fingerprintConfidence = properties.fingerprintConfidence();
        this.requestTimeout = properties.requestTimeout();
    }

    Mono<ServerResponse> track(ServerRequest request) {
        Instant receivedAt = Instant.now();
        long startNanos = System.nanoTime();
        String requestId = RequestIds.of(request.exchange());
        return authenticator.authorizeTracking(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))
                .flatMap(key -> {
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
                })
                .timeout(requestTimeout, Mono.error(() -> ApiException.unavailable(
                        new TimeoutException("request not answered within " + requestTimeout))))
                .onErrorResume(e -> reject(e, headers -> { }, startNanos, requestId));
    }

    private Mono<ServerResponse> reject(Throwable failure, Consumer<HttpHeaders> headers, long startNanos,
                                        String requestId) {
        metrics.rejected(ErrorResponses.toApiException(failure).error(), startNanos);
        return errors.respond(failure, headers, requestId);
    }

    /** Checks 4–8, then publish; completes with the 200 body once Kafka acknowledged the click. */
    private Mono<byte[]> accept(ServerRequest request, ApiKey key, Instant receivedAt) {
        OptionalLong length = request.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > maxBodyBytes) {
            return Mono.error(ApiException.of(ApiError.PAYLOAD_TOO_LARGE));
        }
        checkJsonContentType(request.headers().firstHeader(HttpHeaders.CONTENT_TYPE));
        return readBody(request).flatMap(body -> {
            ClickRequest click = ClickRequestParser.parse(body);
            String idempotencyKey = ClickRequestParser.idempotencyKey(request.headers().firstHeader("Idempotency-Key"));
            return Mono.fromFuture(links.get(Link.cacheKey(key.workspaceId(), click.ref())), true)
                    .flatMap(found -> {
                        Link link = found.filter(Link::active)
                                .orElseThrow(() -> ApiException.of(ApiError.LINK_NOT_FOUND));
                        VisitorAssignment visitor =
                                VisitorAssignment.assign(key.workspaceId(), click, idempotencyKey, fingerprintConfidence);
                        ClickEvent event = toEvent(key, link, click, visitor, idempotencyKey, receivedAt);
                        byte[] reply = replyBody(visitor);
                        return checkIdempotencyKey(key.workspaceId(), idempotencyKey, click)
                                .then(publisher.publish(event, replyExecutor(request)))
                                .thenReturn(reply);
                    });
        });
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

    private static void checkJsonContentType(String contentType) {
        if (contentType == null) {
            return;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            if ("application".equalsIgnoreCase(type.getType())
                    && ("json".equalsIgnoreCase(type.getSubtype()) || type.getSubtype().toLowerCase().endsWith("+json"))) {
                return;
            }
        } catch (InvalidMediaTypeException e) {
            // falls through: an unparseable content type is not JSON either
        }
        throw ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE);
    }

    /** The whole body, at most {@code maxBodyBytes}; chunked bodies without Content-Length are cut off there too. */
    private Mono<byte[]> readBody(ServerRequest request) {
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), maxBodyBytes)
                .map(TrackClickHandler::drain)
                .defaultIfEmpty(EMPTY)
                .onErrorMap(DataBufferLimitException.class, e -> ApiException.of(ApiError.PAYLOAD_TOO_LARGE));
    }

    private static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static ClickEvent toEvent(ApiKey key, Link link, ClickRequest click, VisitorAssignment visitor,
                                      String idempotencyKey, Instant receivedAt) {
        String eventId = idempotencyKey != null
                ? Ids.nameBased(EVENT_NAMESPACE, Long.toString(key.workspaceId()), idempotencyKey).toString()
                : Ids.newTimeOrdered().toString();
        return new ClickEvent(eventId, key.workspaceId(), link.id(), link.affiliateId(), link.campaignId(),
                link.ref(), visitor.visitorId(), visitor.method(), visitor.confidence(),
                click.fingerprint(), click.url(), click.referrer(), key.id(), idempotencyKey, receivedAt);
    }

    private static byte[] replyBody(VisitorAssignment visitor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeBooleanProperty("ok", true);
            g.writeStringProperty("visitor_id", visitor.visitorId());
            g.writeStringProperty("match_method", visitor.method().wire());
            g.writeNumberProperty("match_confidence", visitor.confidence());
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
