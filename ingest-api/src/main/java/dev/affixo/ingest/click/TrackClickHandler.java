package dev.affixo.ingest.click;

import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.auth.Authenticator;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import dev.affixo.ingest.metrics.IngestMetrics;
import dev.affixo.ingest.origin.VisitorOrigins;
import dev.affixo.ingest.ratelimit.KeyRateLimiters;
import dev.affixo.ingest.ratelimit.RateLimitDecision;
import dev.affixo.ingest.requestid.RequestIds;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/track/click}: authenticate → rate limit → body → parse → find the link → claim the
 * Idempotency-Key, if any → publish → reply,
 * in the order of the contract's table (README, "The ingest API"); the first check that fails answers.
 * Every step is non-blocking; the only waits are for a cache miss (on the lookup executor) and for the
 * broker's acknowledgement, and the whole request is bounded by {@code requestTimeout}.
 */
@Component
class TrackClickHandler {

    private final TrackingRequests requests;
    private final KeyRateLimiters rateLimiters;
    private final ClickIntake intake;
    private final IngestMetrics metrics;
    private final RequestBody body;
    private final VisitorOrigins origins;

    TrackClickHandler(TrackingRequests requests, KeyRateLimiters rateLimiters, ClickIntake intake,
                      IngestMetrics metrics, IngestProperties properties, VisitorOrigins origins) {
        this.requests = requests;
        this.rateLimiters = rateLimiters;
        this.intake = intake;
        this.metrics = metrics;
        this.body = new RequestBody(properties.maxBodyBytes());
        this.origins = origins;
    }

    Mono<ServerResponse> track(ServerRequest request) {
        return requests.handle(request, this::withinRateLimit);
    }

    /** Every answer after authentication carries the key's rate-limit headers, errors included. */
    private Mono<ServerResponse> withinRateLimit(TrackingRequests.Call call, ApiKey key) {
        RateLimitDecision limit = rateLimiters.tryAcquire(key);
        if (!limit.allowed()) {
            return requests.rateLimited(call, key, limit);
        }
        // deferred: a 413 or 415 thrown at once still carries the rate-limit headers, as every answer here does
        return Mono.defer(() -> accept(call, key))
                .flatMap(reply -> {
                    metrics.accepted(call.startNanos());
                    return TrackingRequests.ok(reply, limit);
                })
                .onErrorResume(e -> requests.reject(call, e, limit::writeHeaders));
    }

    /** Body, JSON, fields, link, then publish; completes with the 200 body once Kafka acknowledged the click. */
    private Mono<byte[]> accept(TrackingRequests.Call call, ApiKey key) {
        ServerRequest request = call.request();
        return body.readJson(request).flatMap(bytes -> {
            ClickRequest click = ClickRequestParser.parse(bytes, origins);
            String idempotencyKey = ClickRequestParser.idempotencyKey(
                    request.headers().firstHeader(ClickRequestParser.IDEMPOTENCY_KEY_HEADER));
            return Mono.fromFuture(intake.findLink(key, click), true)
                    .map(ClickIntake::requireActive)
                    .flatMap(link -> intake.checkIdempotencyKey(key.workspaceId(), idempotencyKey, click)
                            .then(intake.publish(key, link, click, idempotencyKey, call.receivedAt(),
                                    ClickIntake.replyExecutor(request), call.span())));
        });
    }
}
