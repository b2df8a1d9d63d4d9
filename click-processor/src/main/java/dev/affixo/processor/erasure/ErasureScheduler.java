package dev.affixo.processor.erasure;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Polls {@code visitor_erasures} every {@link #INTERVAL} on a thread of its own and applies what is pending, one
 * erasure per transaction, until none is left. Every instance runs it ({@code skip locked} shares the work). A table
 * rather than a topic: the request must be durable before the API answers 202, PostgreSQL is where the API can write
 * it without a new topic to provision, and the application is a PostgreSQL transaction anyway; one indexed probe a
 * second per instance is the cost. A failed run is logged and the erasure stays pending for the next one.
 */
public final class ErasureScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ErasureScheduler.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final ErasureApplier applier;
    private ScheduledExecutorService scheduler;

    public ErasureScheduler(ErasureApplier applier) {
        this.applier = applier;
    }

    void drain() {
        try {
            Optional<ErasureApplier.Applied> applied;
            while ((applied = applier.applyNext()).isPresent()) {
                ErasureApplier.Applied a = applied.get();
                log.info("Erasure {} applied in workspace {}: {} click rows, {} identities", a.erasureId(),
                        a.workspaceId(), a.rowsErased(), a.identitiesErased());
            }
        } catch (RuntimeException e) {
            log.warn("Applying erasures failed, next try in {}: {}", INTERVAL, e.toString());
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "visitor-erasure");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::drain, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
