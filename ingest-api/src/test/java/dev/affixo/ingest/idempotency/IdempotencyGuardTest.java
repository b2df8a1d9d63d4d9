package dev.affixo.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.ingest.cache.DbLookupExecutor;
import dev.affixo.ingest.config.IngestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** A check that cannot be made never refuses the click: it is accepted unchecked, and counted. */
class IdempotencyGuardTest {

    private static IngestProperties properties(Duration checkTimeout) {
        return new IngestProperties("t", 16384, Duration.ofSeconds(5), 0.8, Duration.ofSeconds(1),
                Duration.ofSeconds(2), 10, 10, 10, 1, 10, 1, Duration.ofHours(24), checkTimeout);
    }

    /** A guard whose database is port 1 on loopback: nothing listens, the connection is refused at once. */
    private static void withUnreachableDatabase(SimpleMeterRegistry meters, GuardUse use) throws Exception {
        IngestProperties props = properties(Duration.ofSeconds(5));
        IdempotencyKeys keys = new IdempotencyKeys(Jdbi.create("jdbc:postgresql://127.0.0.1:1/none", "u", "p"));
        DbLookupExecutor executor = new DbLookupExecutor(props);
        try {
            use.accept(new IdempotencyGuard(keys, executor, props, meters));
        } finally {
            executor.destroy();
        }
    }

    @FunctionalInterface
    private interface GuardUse {
        void accept(IdempotencyGuard guard) throws Exception;
    }

    @Test
    void anUnreachableDatabaseGivesUncheckedAndCountsIt() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        withUnreachableDatabase(meters, guard -> {
            assertThat(guard.check(1, "k", RequestDigest.of("ref")).get(10, TimeUnit.SECONDS))
                    .isEqualTo(IdempotencyGuard.Verdict.UNCHECKED);
            assertThat(meters.get("affixo.ingest.idempotency.checks").tag("verdict", "unchecked").counter().count())
                    .isEqualTo(1.0);
            assertThat(meters.get("affixo.ingest.idempotency.checks").tag("verdict", "reused").counter().count())
                    .isZero();
        });
    }

    @Test
    void uncheckedStillRefusesAKeyRepeatedInOneCallWithAnotherBody() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        withUnreachableDatabase(meters, guard -> {
            assertThat(guard.checkAll(1, List.of("k", "other", "k", "k"),
                    List.of(RequestDigest.of("a"), RequestDigest.of("a"), RequestDigest.of("b"), RequestDigest.of("a")))
                    .get(10, TimeUnit.SECONDS))
                    .containsExactly(IdempotencyGuard.Verdict.UNCHECKED, IdempotencyGuard.Verdict.UNCHECKED,
                            IdempotencyGuard.Verdict.REUSED, IdempotencyGuard.Verdict.UNCHECKED);
            assertThat(meters.get("affixo.ingest.idempotency.checks").tag("verdict", "unchecked").counter().count())
                    .isEqualTo(3.0);
            assertThat(meters.get("affixo.ingest.idempotency.checks").tag("verdict", "reused").counter().count())
                    .isEqualTo(1.0);
        });
    }

    @Test
    void aCheckSlowerThanItsTimeoutGivesUnchecked() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        IngestProperties props = properties(Duration.ofMillis(50));
        DbLookupExecutor executor = new DbLookupExecutor(props);
        // The only lookup thread is busy for longer than the check may wait.
        executor.execute(() -> sleep(2_000));
        try {
            IdempotencyGuard guard = new IdempotencyGuard(
                    new IdempotencyKeys(Jdbi.create("jdbc:postgresql://127.0.0.1:1/none", "u", "p")), executor,
                    props, meters);

            long start = System.nanoTime();
            assertThat(guard.check(1, "k", RequestDigest.of("ref")).get(10, TimeUnit.SECONDS))
                    .isEqualTo(IdempotencyGuard.Verdict.UNCHECKED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_500));
        } finally {
            executor.destroy();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
