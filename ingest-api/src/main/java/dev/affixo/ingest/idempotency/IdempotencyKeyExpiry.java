package dev.affixo.ingest.idempotency;

import dev.affixo.ingest.config.IngestProperties;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Deletes expired {@code idempotency_keys} rows once a minute, in bounded slices. Every instance runs it;
 * that is harmless (a row is deleted once) and needs no leader. Expired rows it has not reached yet are
 * already treated as gone by the claim itself, so purging late only costs space.
 */
@Component
class IdempotencyKeyExpiry implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyExpiry.class);
    private static final Duration EVERY = Duration.ofMinutes(1);
    private static final int SLICE = 5_000;
    /** Bounds one run, so a large backlog after downtime is worked off over several minutes. */
    private static final int MAX_SLICES_PER_RUN = 20;

    private final IdempotencyKeys keys;
    private final Duration retention;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "idempotency-key-expiry");
        t.setDaemon(true);
        return t;
    });

    IdempotencyKeyExpiry(IdempotencyKeys keys, IngestProperties properties) {
        this.keys = keys;
        this.retention = properties.idempotencyKeyRetention();
    }

    @Override
    public void afterPropertiesSet() {
        timer.scheduleWithFixedDelay(this::purge, EVERY.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
    }

    void purge() {
        try {
            int deleted;
            int slices = 0;
            do {
                deleted = keys.purgeExpired(retention, SLICE);
                slices++;
            } while (deleted == SLICE && slices < MAX_SLICES_PER_RUN);
        } catch (RuntimeException e) {
            log.warn("Purging expired idempotency keys failed, will retry: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
