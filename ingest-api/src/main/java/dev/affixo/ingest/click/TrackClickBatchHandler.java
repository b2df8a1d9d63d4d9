package dev.affixo.ingest.click;

import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import dev.affixo.ingest.idempotency.IdempotencyGuard;
import dev.affixo.ingest.links.Link;
import dev.affixo.ingest.metrics.IngestMetrics;
import dev.affixo.ingest.origin.VisitorOrigins;
import dev.affixo.ingest.ratelimit.KeyRateLimiters;
import dev.affixo.ingest.ratelimit.RateLimitDecision;
import dev.affixo.ingest.tracing.RequestSpan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/track/clicks}: authenticate → body → parse the batch → rate limit (one permit per item) →
 * per item: validate, find the link, judge its Idempotency-Key, publish → one 200 with a result per item, in
 * request order. The request as a whole fails only where a single click would fail before its fields are read
 * (401, 403, 413, 415, 400 {@code invalid_json}; plus {@code invalid_request} for a body without 1 to 500 clicks)
 * or when the key's window has fewer permits left than the batch has items (429, nothing taken). After that the
 * items are independent: each is the single click's outcome, as {@code ok:true} once Kafka acknowledged it or as
 * {@code ok:false} with the single click's error code.
 *
 * <p>The steps of one item are {@link ClickIntake}'s, as for a single click; what the batch adds is that the
 * steps run for all items together: link lookups side by side, the Idempotency-Keys of all items claimed in one
 * statement, all records handed to the producer at once (they leave in the producer's batches). Items still
 * unacknowledged {@link #ITEM_MARGIN} before the request's bound are answered {@code unavailable}, so the 200
 * itself comes within the bound.
 */
@Component
class TrackClickBatchHandler {

    /** SPEC §7.3: a batch body is at most 1 MiB (a single click's limit is configurable, this is the contract's). */
    static final int MAX_BODY_BYTES = 1 << 20;
    /** Time left, before the request's bound, to write the 200 once the unanswered items are given up. */
    static final Duration ITEM_MARGIN = Duration.ofMillis(300);

    private static final byte[] RESULTS_START = "{\"results\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESULTS_END = "]}".getBytes(StandardCharsets.US_ASCII);

    private final TrackingRequests requests;
    private final KeyRateLimiters rateLimiters;
    private final ClickIntake intake;
    private final IdempotencyGuard idempotency;
    private final IngestMetrics metrics;
    private final VisitorOrigins origins;
    private final RequestBody body = new RequestBody(MAX_BODY_BYTES);

    TrackClickBatchHandler(TrackingRequests requests, KeyRateLimiters rateLimiters, ClickIntake intake,
                           IdempotencyGuard idempotency, IngestMetrics metrics, VisitorOrigins origins) {
        this.requests = requests;
        this.rateLimiters = rateLimiters;
        this.intake = intake;
        this.idempotency = idempotency;
        this.metrics = metrics;
        this.origins = origins;
    }

    Mono<ServerResponse> track(ServerRequest request) {
        // deferred: the checks that throw at once (413 declared, 415) are refused like the others, with a permit
        return requests.handle(request, (call, key) -> Mono.defer(() -> body.readJson(request))
                .map(bytes -> ClickBatch.parse(bytes, origins))
                .flatMap(batch -> withinRateLimit(call, key, batch))
                .onErrorResume(failure -> refuseWhole(call, key, failure)));
    }

    /**
     * A batch refused as a whole costs one permit, as a single click refused for its body does (a flood of bad
     * requests is limited too); with none left it is 429, which the contract's order puts before 413/415/400.
     */
    private Mono<ServerResponse> refuseWhole(TrackingRequests.Call call, ApiKey key, Throwable failure) {
        RateLimitDecision limit = rateLimiters.tryAcquire(key);
        if (!limit.allowed()) {
            return requests.rateLimited(call, key, limit);
        }
        return requests.reject(call, failure, limit::writeHeaders);
    }

    /** A batch of N needs N permits left in the key's window; refused, it takes none. */
    private Mono<ServerResponse> withinRateLimit(TrackingRequests.Call call, ApiKey key, ClickBatch batch) {
        RateLimitDecision limit = rateLimiters.tryAcquire(key, batch.size());
        if (!limit.allowed()) {
            return requests.rateLimited(call, key, limit);
        }
        long itemDeadline = call.startNanos() + requests.requestTimeout().minus(ITEM_MARGIN).toNanos();
        return new Run(key, batch.items(), call.receivedAt(), ClickIntake.replyExecutor(call.request()),
                call.requestId(), call.span())
                .answer(itemDeadline)
                .flatMap(results -> {
                    metrics.batchAnswered(call.startNanos());
                    return TrackingRequests.ok(results, limit);
                });
    }

    /**
     * One batch on its way through the steps. Each item's result is set once, from whichever thread decided it
     * (the request's, a lookup thread, the event loop after Kafka's acknowledgement); the array is atomic because
     * the items given up at the deadline are read on the timer's thread while late acknowledgements may still
     * arrive — such an item is either answered from its acknowledgement or {@code unavailable}, never half.
     */
    private final class Run {

        private final ApiKey key;
        private final ClickBatch.Item[] items;
        private final Instant receivedAt;
        private final Executor replyOn;
        private final String requestId;
        private final RequestSpan span;
        private final AtomicReferenceArray<byte[]> results;
        /** The first failure worth logging (a 503 or a 500 of an item): logged once per batch, not per item. */
        private final AtomicReference<Throwable> unexpected = new AtomicReference<>();

        Run(ApiKey key, ClickBatch.Item[] items, Instant receivedAt, Executor replyOn, String requestId,
            RequestSpan span) {
            this.key = key;
            this.span = span;
            this.items = items;
            this.receivedAt = receivedAt;
            this.replyOn = replyOn;
            this.requestId = requestId;
            this.results = new AtomicReferenceArray<>(items.length);
        }

        /** The 200 body, complete once every item has its result or the deadline passed. */
        Mono<byte[]> answer(long deadlineNanos) {
            @SuppressWarnings("unchecked")
            CompletableFuture<Optional<Link>>[] lookups = new CompletableFuture[items.length];
            for (int i = 0; i < items.length; i++) {
                ClickBatch.Item item = items[i];
                if (item.invalid() != null) {
                    fail(i, item.invalid());
                } else {
                    lookups[i] = intake.findLink(key, item.click());
                }
            }
            CompletableFuture<Verdicts> verdicts = CompletableFuture.allOf(nonNull(lookups))
                    // a failed lookup fails its own item only (below), never the batch
                    .handle((done, failure) -> activeLinks(lookups))
                    .thenCompose(this::claimKeys);
            return Mono.fromFuture(verdicts, true)
                    .flatMap(claimed -> publishAll(claimed, deadlineNanos))
                    .then(Mono.fromSupplier(this::body));
        }

        /** The active link of each still valid item; every other item gets its result here. */
        private Link[] activeLinks(CompletableFuture<Optional<Link>>[] lookups) {
            Link[] links = new Link[items.length];
            for (int i = 0; i < items.length; i++) {
                if (lookups[i] == null) {
                    continue;
                }
                try {
                    links[i] = ClickIntake.requireActive(lookups[i].join());
                } catch (RuntimeException notFoundOrFailed) {
                    fail(i, notFoundOrFailed);
                }
            }
            return links;
        }

        /** The Idempotency-Keys of the items that have an active link, all claimed in one statement. */
        private CompletableFuture<Verdicts> claimKeys(Link[] links) {
            List<Integer> keyed = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<byte[]> digests = new ArrayList<>();
            for (int i = 0; i < items.length; i++) {
                if (links[i] != null && items[i].idempotencyKey() != null) {
                    keyed.add(i);
                    keys.add(items[i].idempotencyKey());
                    digests.add(ClickIntake.digest(items[i].click()));
                }
            }
            if (keyed.isEmpty()) {
                return CompletableFuture.completedFuture(new Verdicts(links, new IdempotencyGuard.Verdict[items.length]));
            }
            return idempotency.checkAll(key.workspaceId(), keys, digests).thenApply(claimed -> {
                IdempotencyGuard.Verdict[] byItem = new IdempotencyGuard.Verdict[items.length];
                for (int k = 0; k < claimed.length; k++) {
                    byItem[keyed.get(k)] = claimed[k];
                }
                return new Verdicts(links, byItem);
            });
        }

        /** Every item still standing to the producer at once; completes when all are answered or at the deadline. */
        private Mono<Void> publishAll(Verdicts claimed, long deadlineNanos) {
            List<Mono<Void>> publishes = new ArrayList<>(items.length);
            for (int i = 0; i < items.length; i++) {
                Link link = claimed.links()[i];
                if (link == null) {
                    continue;
                }
                if (claimed.verdicts()[i] == IdempotencyGuard.Verdict.REUSED) {
                    fail(i, ApiException.of(ApiError.IDEMPOTENCY_KEY_REUSED));
                    continue;
                }
                int index = i;
                ClickBatch.Item item = items[i];
                publishes.add(intake.publish(key, link, item.click(), item.idempotencyKey(), receivedAt, replyOn, span)
                        .doOnNext(reply -> {
                            if (results.compareAndSet(index, null, reply)) {
                                metrics.batchItem(null);
                            }
                        })
                        .onErrorResume(failure -> {
                            fail(index, failure);
                            return Mono.empty();
                        })
                        .then());
            }
            Duration left = Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
            return Mono.when(publishes).timeout(left, Mono.empty());
        }

        private void fail(int index, Throwable failure) {
            ApiException api = ErrorResponses.toApiException(failure);
            if (!results.compareAndSet(index, null, ErrorResponses.itemBody(api))) {
                return; // answered already (acknowledged just before the deadline gave it up)
            }
            metrics.batchItem(api.error());
            if (api.error() == ApiError.UNAVAILABLE || api.error() == ApiError.INTERNAL) {
                unexpected.compareAndSet(null, failure);
            }
        }

        /**
         * {@code {"results":[…]}}: the items' bodies in request order. An item without one was given up at the
         * deadline: it is {@code unavailable} from here on, even if Kafka acknowledges it a moment later.
         */
        private byte[] body() {
            for (int i = 0; i < items.length; i++) {
                if (results.get(i) == null) {
                    fail(i, ApiException.unavailable(new TimeoutException("not acknowledged before the deadline")));
                }
            }
            if (unexpected.get() != null) {
                span.whileCurrent(() -> {
                    ErrorResponses.logUnexpected(unexpected.get(), requestId);
                    return null;
                });
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(RESULTS_START.length + 128 * items.length);
            out.writeBytes(RESULTS_START);
            for (int i = 0; i < items.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.writeBytes(results.get(i));
            }
            out.writeBytes(RESULTS_END);
            return out.toByteArray();
        }
    }

    /** The items' active links (null: the item already has its result) and their Idempotency-Key verdicts. */
    private record Verdicts(Link[] links, IdempotencyGuard.Verdict[] verdicts) {
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Optional<Link>>[] nonNull(CompletableFuture<Optional<Link>>[] lookups) {
        return Arrays.stream(lookups).filter(Objects::nonNull).toArray(CompletableFuture[]::new);
    }
}
