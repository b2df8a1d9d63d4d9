package dev.affixo.ingest.idempotency;

import dev.affixo.ingest.cache.DbLookupExecutor;
import dev.affixo.ingest.config.IngestProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Binds an {@code Idempotency-Key} to the first request body it came with, for all ingest instances alike
 * (PostgreSQL's {@code idempotency_keys}), so a second body under the same key is refused with 422.
 *
 * <p>The check runs on the lookup executor, never on the event loop, and is bounded by
 * {@code idempotencyCheckTimeout}. When it cannot be made — PostgreSQL down or slow, the executor's queue
 * full — the click is still accepted ({@link Verdict#UNCHECKED}, counted): refusing clicks because a
 * safeguard is unavailable would lose far more than it protects, and the click processor keeps the first
 * stored body of an event id regardless and dead-letters any other (README "Idempotency").
 *
 * <p>{@code affixo_ingest_idempotency_checks_total{verdict}} counts every outcome.
 */
@Component
public class IdempotencyGuard {

    /** What the shared record said about this key and body. */
    public enum Verdict {
        /** The key was free (or its binding had expired): it is now bound to this body. */
        FIRST_USE,
        /** The key is bound to this very body: a retry, the same click. */
        SAME_BODY,
        /** The key is bound to another body: answer 422 {@code idempotency_key_reused}. */
        REUSED,
        /** The record could not be read in time: accepted unchecked. */
        UNCHECKED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(IdempotencyGuard.class);

    private final IdempotencyKeys keys;
    private final DbLookupExecutor executor;
    private final Duration retention;
    private final long timeoutNanos;
    private final Map<Verdict, Counter> verdicts = new EnumMap<>(Verdict.class);

    public IdempotencyGuard(IdempotencyKeys keys, DbLookupExecutor executor, IngestProperties properties,
                            MeterRegistry registry) {
        this.keys = keys;
        this.executor = executor;
        this.retention = properties.idempotencyKeyRetention();
        this.timeoutNanos = properties.idempotencyCheckTimeout().toNanos();
        for (Verdict verdict : Verdict.values()) {
            verdicts.put(verdict, Counter.builder("affixo.ingest.idempotency.checks")
                    .description("Idempotency-Key checks by verdict")
                    .tag("verdict", verdict.tag())
                    .register(registry));
        }
    }

    /** Completes with the verdict; never fails (a failed check is {@link Verdict#UNCHECKED}). */
    public CompletableFuture<Verdict> check(long workspaceId, String idempotencyKey, byte[] requestDigest) {
        CompletableFuture<IdempotencyKeys.Binding> claim;
        try {
            claim = CompletableFuture.supplyAsync(
                    () -> keys.claim(workspaceId, idempotencyKey, requestDigest, retention), executor);
        } catch (RejectedExecutionException queueFull) {
            claim = CompletableFuture.failedFuture(queueFull);
        }
        return claim.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                .handle((binding, failure) -> count(verdictOf(binding, failure, requestDigest)));
    }

    private static Verdict verdictOf(IdempotencyKeys.Binding binding, Throwable failure, byte[] requestDigest) {
        if (failure != null) {
            log.warn("Idempotency-Key not checked, click accepted unchecked: {}", failure.toString());
            return Verdict.UNCHECKED;
        }
        if (!Arrays.equals(binding.requestDigest(), requestDigest)) {
            return Verdict.REUSED;
        }
        return binding.createdNow() ? Verdict.FIRST_USE : Verdict.SAME_BODY;
    }

    private Verdict count(Verdict verdict) {
        verdicts.get(verdict).increment();
        return verdict;
    }
}
