package dev.affixo.ingest.click;

import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.auth.Authenticator;
import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.idempotency.IdempotencyGuard;
import dev.affixo.ingest.links.Link;
import dev.affixo.ingest.metrics.ClickStages;
import dev.affixo.ingest.metrics.ClickStages.Stage;
import dev.affixo.ingest.metrics.IngestMetrics;
import dev.affixo.ingest.origin.VisitorOrigins;
import dev.affixo.ingest.ratelimit.KeyRateLimiters;
import dev.affixo.ingest.ratelimit.RateLimitDecision;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * {@code POST /v1/track/click}: authenticate → rate limit → body → parse → find the link → claim the
 * Idempotency-Key, if any → publish → reply,
 * in the order of the contract's table (README, "The ingest API"); the first check that fails answers.
 * Every step is non-blocking; the only waits are for a cache miss (on the lookup executor) and for the
 * broker's acknowledgement, and the whole request is bounded by {@code requestTimeout}.
 *
 * <p>This is the API's hot path, so it is written as one object per request ({@link Answer}) whose steps call each
 * other directly, not as a chain of Reactor operators: a click whose key and link are cached runs from its body to
 * {@code send()} in one call, and is answered by one {@link Mono#create}. The chain it replaced spent about a fifth
 * of the API's CPU in operator plumbing (BENCHMARKS.md, session 7). The batch endpoint, whose cost is shared by its
 * items, keeps the operators.
 */
@Component
class TrackClickHandler {

    private static final Consumer<HttpHeaders> NO_HEADERS = headers -> { };

    private final TrackingRequests requests;
    private final Authenticator authenticator;
    private final KeyRateLimiters rateLimiters;
    private final ClickIntake intake;
    private final IngestMetrics metrics;
    private final RequestBody body;
    private final VisitorOrigins origins;
    private final RequestDeadlines deadlines;
    private final ClickStages stages;

    TrackClickHandler(TrackingRequests requests, Authenticator authenticator, KeyRateLimiters rateLimiters,
                      ClickIntake intake, IngestMetrics metrics, IngestProperties properties, VisitorOrigins origins,
                      RequestDeadlines deadlines, ClickStages stages) {
        this.requests = requests;
        this.authenticator = authenticator;
        this.rateLimiters = rateLimiters;
        this.intake = intake;
        this.metrics = metrics;
        this.body = new RequestBody(properties.maxBodyBytes());
        this.origins = origins;
        this.deadlines = deadlines;
        this.stages = stages;
    }

    Mono<ServerResponse> track(ServerRequest request) {
        TrackingRequests.Call call = requests.begin(request);
        return call.span().endWhenAnswered(Mono.create(sink -> new Answer(call, sink).start()));
    }

    /**
     * One click being answered. Each step runs on whichever thread completed the one before it (the event loop,
     * unless a lookup missed the cache), and any failure goes to {@link #fail}. Exactly one answer is given: the
     * first of Kafka's acknowledgement ({@link #accept}), {@link #fail}, {@link #expire} and the client going away
     * ({@link #dispose}) claims the request, and every step stops once it is claimed. A click is sent only if the
     * request was not claimed before: {@link #publish} moves it from {@code WORKING} to {@code SENDING} first, so a
     * 503 decided before the send is never followed by one (a 503 after it still may be, as the README says).
     */
    private final class Answer implements RequestDeadlines.Pending, RequestBody.Receiver, Consumer<ApiException>,
            Disposable {

        private static final int WORKING = 0;
        private static final int SENDING = 1;
        private static final int ANSWERED = 2;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Answer.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final TrackingRequests.Call call;
        private final MonoSink<ServerResponse> sink;
        private volatile int state = WORKING;
        private volatile RequestDeadlines.Watch deadline;
        /**
         * Set by the rate-limit check: from then on every answer carries the key's rate-limit headers. Volatile, like
         * {@link #bodyRead}: after a key cache miss it is written on a lookup thread and read by the timeout's sweep.
         */
        private volatile RateLimitDecision limit;
        private ApiKey key;
        private volatile Subscription bodyRead;
        private ClickRequest click;
        private String idempotencyKey;
        private Link link;
        private ClickIntake.Accepted accepted;
        /** The end of each stage, for the 1 click in 64 whose stages are timed ({@link ClickStages}); else null. */
        private final long[] marks = stages.sample();

        Answer(TrackingRequests.Call call, MonoSink<ServerResponse> sink) {
            this.call = call;
            this.sink = sink;
        }

        void start() {
            sink.onCancel(this);
            deadline = deadlines.watch(call.request(), call.startNanos(), this);
            try {
                whenDone(authenticator.find(call.request().headers().firstHeader(HttpHeaders.AUTHORIZATION)),
                        this::authenticated);
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void authenticated(Optional<ApiKey> found) {
            if (claimed()) {
                return; // given up on while the key was looked up: spend no permit, read no body
            }
            key = authenticator.requireTracking(found);
            mark(Stage.AUTH);
            RateLimitDecision decision = rateLimiters.tryAcquire(key);
            limit = decision;
            mark(Stage.LIMIT);
            if (!decision.allowed()) {
                if (claim()) {
                    respond(() -> requests.rateLimited(call, key, decision));
                }
                return;
            }
            bodyRead = body.readJson(call.request(), this);
        }

        @Override
        public void body(byte[] bytes) {
            if (claimed()) {
                return;
            }
            mark(Stage.BODY);
            try {
                click = ClickRequestParser.parse(bytes, origins);
                idempotencyKey = ClickRequestParser.idempotencyKey(
                        call.request().headers().firstHeader(ClickRequestParser.IDEMPOTENCY_KEY_HEADER));
                mark(Stage.PARSE);
                whenDone(intake.findLink(key, click), this::linkFound);
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void linkFound(Optional<Link> found) {
            if (claimed()) {
                return; // no Idempotency-Key is claimed for a request already answered
            }
            link = ClickIntake.requireActive(found);
            if (idempotencyKey == null) {
                publish();
            } else {
                whenDone(intake.judgeIdempotencyKey(key.workspaceId(), idempotencyKey, click), this::judged);
            }
        }

        private void judged(IdempotencyGuard.Verdict verdict) {
            if (claimed()) {
                return;
            }
            if (verdict == IdempotencyGuard.Verdict.REUSED) {
                throw ApiException.of(ApiError.IDEMPOTENCY_KEY_REUSED);
            }
            publish();
        }

        private void publish() {
            mark(Stage.LOOKUP);
            accepted = intake.accept(key, link, click, idempotencyKey, call.receivedAt());
            if (!STATE.compareAndSet(this, WORKING, SENDING)) {
                return; // answered (503) or abandoned meanwhile: the click must not be sent now
            }
            mark(Stage.EVENT);
            intake.send(accepted, ClickIntake.replyExecutor(call.request()), call.span(), this);
            mark(Stage.SEND);
        }

        private void mark(Stage stage) {
            if (marks != null) {
                marks[stage.ordinal()] = System.nanoTime();
            }
        }

        /** Kafka's answer, on the request's event loop: null when it acknowledged the click. */
        @Override
        public void accept(ApiException refused) {
            if (refused != null) {
                fail(refused);
            } else if (claim()) {
                metrics.accepted(call.startNanos());
                if (marks != null) {
                    mark(Stage.ACK);
                    stages.record(call.startNanos(), marks);
                }
                try {
                    sink.success(new OkResponse(accepted.reply(), limit));
                } catch (RuntimeException e) {
                    sink.error(e);
                }
            }
        }

        @Override
        public void failed(Throwable failure) {
            fail(failure);
        }

        @Override
        public void expire() {
            cancelBodyRead();
            Duration timeout = requests.requestTimeout();
            fail(ApiException.unavailable(new TimeoutException("request not answered within " + timeout)));
        }

        /** The client went away (WebFlux cancelled the answer): stop, send nothing that is not sent yet, answer no one. */
        @Override
        public void dispose() {
            if (claim()) {
                cancelBodyRead();
            }
        }

        private void cancelBodyRead() {
            Subscription read = bodyRead;
            if (read != null) {
                read.cancel();
            }
        }

        private void fail(Throwable failure) {
            if (claim()) {
                RateLimitDecision decided = limit;
                respond(() -> requests.reject(call, failure, decided == null ? NO_HEADERS : decided::writeHeaders));
            }
        }

        /** Answers with {@code response}, once claimed; if building it fails, WebFlux answers 500 rather than none. */
        private void respond(Supplier<Mono<ServerResponse>> response) {
            try {
                response.get().subscribe(sink::success, sink::error);
            } catch (RuntimeException e) {
                sink.error(e);
            }
        }

        private boolean claimed() {
            return state == ANSWERED;
        }

        /** Takes the one answer of this request (from {@code WORKING} or {@code SENDING}); false if it is taken. */
        private boolean claim() {
            int current;
            do {
                current = state;
                if (current == ANSWERED) {
                    return false;
                }
            } while (!STATE.compareAndSet(this, current, ANSWERED));
            RequestDeadlines.Watch watch = deadline;
            if (watch != null) {
                watch.answered();
            }
            return true;
        }

        /**
         * {@code next} with the future's value: at once when it is already there (a cache hit), else when it
         * arrives; a failure of the future or of {@code next} is answered by {@link #fail}.
         */
        private <T> void whenDone(CompletableFuture<T> future, Consumer<T> next) {
            if (future.isDone() && !future.isCompletedExceptionally()) {
                next.accept(future.join());
                return;
            }
            future.whenComplete((value, failure) -> {
                if (failure != null) {
                    fail(failure);
                    return;
                }
                try {
                    next.accept(value);
                } catch (RuntimeException e) {
                    fail(e);
                }
            });
        }
    }
}
