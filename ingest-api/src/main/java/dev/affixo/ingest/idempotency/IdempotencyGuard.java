package dev.affixo.ingest.idempotency;

import dev.affixo.ingest.cache.DbLookupExecutor;
import dev.affixo.ingest.config.IngestProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
        return checkAll(workspaceId, List.of(idempotencyKey), List.of(requestDigest)).thenApply(verdicts -> verdicts[0]);
    }

    /**
     * The verdict of each (key, digest) pair, in the order given, from one statement and one lookup-executor task
     * however many there are (a batch of 500 keyed clicks must not take 500 slots of that bounded queue). A key
     * given twice is claimed once; its second body is judged against the body the key is bound to, exactly as if
     * it had come in a later request. Never fails: when the check cannot be made every verdict is
     * {@link Verdict#UNCHECKED}, except that a key repeated in the call with another body is still
     * {@link Verdict#REUSED} (that much is known without the shared record).
     */
    public CompletableFuture<Verdict[]> checkAll(long workspaceId, List<String> idempotencyKeys,
                                                 List<byte[]> requestDigests) {
        // First occurrence of each key, sorted: the order rows are locked in (IdempotencyKeys.CLAIM).
        TreeMap<String, byte[]> firstDigest = new TreeMap<>();
        for (int i = 0; i < idempotencyKeys.size(); i++) {
            firstDigest.putIfAbsent(idempotencyKeys.get(i), requestDigests.get(i));
        }
        List<String> keys = List.copyOf(firstDigest.keySet());
        List<byte[]> digests = List.copyOf(firstDigest.values());
        CompletableFuture<Map<String, IdempotencyKeys.Binding>> claim;
        try {
            claim = CompletableFuture.supplyAsync(() -> this.keys.claimAll(workspaceId, keys, digests, retention),
                    executor);
        } catch (RejectedExecutionException queueFull) {
            claim = CompletableFuture.failedFuture(queueFull);
        }
        return claim.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((bindings, failure) -> {
            if (failure != null) {
                log.warn("Idempotency-Key not checked, click accepted unchecked: {}", failure.toString());
            }
            Set<String> judged = new HashSet<>();
            Verdict[] verdicts = new Verdict[idempotencyKeys.size()];
            for (int i = 0; i < verdicts.length; i++) {
                String key = idempotencyKeys.get(i);
                boolean first = judged.add(key);
                verdicts[i] = count(failure != null
                        ? uncheckedVerdict(firstDigest.get(key), requestDigests.get(i))
                        : verdictOf(bindings.get(key), requestDigests.get(i), first));
            }
            return verdicts;
        });
    }

    private static Verdict verdictOf(IdempotencyKeys.Binding binding, byte[] requestDigest, boolean firstInCall) {
        if (binding == null) {
            // the statement returns a row per key; should one be missing, the click is not refused for it
            return Verdict.UNCHECKED;
        }
        if (!Arrays.equals(binding.requestDigest(), requestDigest)) {
            return Verdict.REUSED;
        }
        return binding.createdNow() && firstInCall ? Verdict.FIRST_USE : Verdict.SAME_BODY;
    }

    private static Verdict uncheckedVerdict(byte[] firstDigestInCall, byte[] requestDigest) {
        return Arrays.equals(firstDigestInCall, requestDigest) ? Verdict.UNCHECKED : Verdict.REUSED;
    }

    private Verdict count(Verdict verdict) {
        verdicts.get(verdict).increment();
        return verdict;
    }
}
