package dev.affixo.ingest.click;

import dev.affixo.common.ClickEvent;
import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.idempotency.IdempotencyGuard;
import dev.affixo.ingest.idempotency.RequestDigest;
import dev.affixo.ingest.links.Link;
import dev.affixo.ingest.links.LinkCache;
import dev.affixo.ingest.publish.ClickPublisher;
import dev.affixo.ingest.tracing.RequestSpan;
import io.netty.channel.EventLoop;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * What happens to a parsed click, whichever endpoint it came through ({@code POST /v1/track/click} alone, or an
 * item of {@code POST /v1/track/clicks}): its link is looked up, its Idempotency-Key judged, its visitor assigned,
 * its event built and published, and its reply written. Both endpoints go through these steps and no others, so
 * nothing downstream can tell a batch item from a single click.
 */
@Component
class ClickIntake {

    private final LinkCache links;
    private final ClickPublisher publisher;
    private final IdempotencyGuard idempotency;
    private final double fingerprintConfidence;

    ClickIntake(LinkCache links, ClickPublisher publisher, IdempotencyGuard idempotency, IngestProperties properties) {
        this.links = links;
        this.publisher = publisher;
        this.idempotency = idempotency;
        this.fingerprintConfidence = properties.fingerprintConfidence();
    }

    /** The link of the click's ref in the key's workspace, active or not; completes at once when cached. */
    CompletableFuture<Optional<Link>> findLink(ApiKey key, ClickRequest click) {
        return links.find(key.workspaceId(), click.ref());
    }

    /** @throws ApiException {@code link_not_found} unless the link exists and is active */
    static Link requireActive(Optional<Link> found) {
        return found.filter(Link::active).orElseThrow(() -> ApiException.of(ApiError.LINK_NOT_FOUND));
    }

    /**
     * "The same body" for an Idempotency-Key: the decoded fields the click is stored with, in a fixed order, then
     * its user agent and the hash of its address when present ({@link RequestDigest}). The hash, never the
     * address: a digest of a bare IPv4 address is reversed by trying all of them.
     */
    static byte[] digest(ClickRequest click) {
        return RequestDigest.of(click.origin(), click.ref(), click.visitorId(), click.fingerprint(), click.url(),
                click.referrer());
    }

    /** A click that became an event, with the 200 body that answers it once Kafka acknowledged the event. */
    record Accepted(ClickEvent event, byte[] reply) {
    }

    /**
     * The click is valid, its link active and its key (if any) not bound to another body: assign the visitor and
     * build the event and its reply. This is the one place a click becomes an event.
     */
    Accepted accept(ApiKey key, Link link, ClickRequest click, String idempotencyKey, Instant receivedAt) {
        VisitorAssignment visitor =
                VisitorAssignment.assign(key.workspaceId(), click, idempotencyKey, fingerprintConfidence);
        return new Accepted(ClickEvents.of(key, link, click, visitor, idempotencyKey, receivedAt),
                ClickReply.accepted(visitor));
    }

    /** {@link #accept} then publish: completes with the 200 body once Kafka acknowledged the click. */
    Mono<byte[]> publish(ApiKey key, Link link, ClickRequest click, String idempotencyKey, Instant receivedAt,
                         Executor replyOn, RequestSpan span) {
        Accepted accepted = accept(key, link, click, idempotencyKey, receivedAt);
        return publisher.publish(accepted.event(), replyOn, span).thenReturn(accepted.reply());
    }

    /** {@link ClickPublisher#send}: {@code answered} gets null once Kafka acknowledged, else the 503 to answer. */
    void send(Accepted accepted, Executor replyOn, RequestSpan span, Consumer<ApiException> answered) {
        publisher.send(accepted.event(), replyOn, span, answered);
    }

    /**
     * The Idempotency-Key's verdict for this keyed click. It is published only once its key is bound to this body
     * (or the binding could not be checked, see {@link IdempotencyGuard}); a key already bound to another body is
     * 422.
     */
    CompletableFuture<IdempotencyGuard.Verdict> judgeIdempotencyKey(long workspaceId, String idempotencyKey,
                                                                     ClickRequest click) {
        return idempotency.check(workspaceId, idempotencyKey, digest(click));
    }

    /**
     * The event loop of the request's connection: the reply continues there once Kafka acknowledged, where
     * Netty writes it directly. Off Reactor Netty (never in production) it simply continues in place.
     */
    static Executor replyExecutor(ServerRequest request) {
        EventLoop loop = eventLoop(request);
        return loop != null ? loop : Runnable::run;
    }

    /** The event loop of the request's connection; null off Reactor Netty (never in production). */
    static EventLoop eventLoop(ServerRequest request) {
        Object connection = ServerHttpRequestDecorator.getNativeRequest(request.exchange().getRequest());
        return connection instanceof Connection netty ? netty.channel().eventLoop() : null;
    }
}
