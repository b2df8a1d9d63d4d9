package dev.affixo.processor.partitions;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps {@code clicks} partitioned ahead and trimmed to retention: once at start, before the streams start (a lower
 * phase than theirs), then every {@link #INTERVAL} on a thread of its own. Every instance runs it; the changes are
 * serialised and idempotent ({@link ClickPartitions}). A failed run is logged and tried again at the next interval:
 * writers create a missing partition themselves, so no write depends on this having run.
 */
public final class PartitionMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PartitionMaintenance.class);
    static final Duration INTERVAL = Duration.ofHours(1);

    private final ClickPartitions partitions;
    private final int ahead;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    public PartitionMaintenance(ClickPartitions partitions, int ahead, Clock clock) {
        this.partitions = partitions;
        this.ahead = ahead;
        this.clock = clock;
    }

    /** Creates the current and the next {@code ahead} periods' partitions and drops those past retention. */
    public void runOnce() {
        partitions.createAhead(clock.instant(), ahead);
        partitions.dropPastRetention(clock.instant());
    }

    @Override
    public synchronized void start() {
        runLogged();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "click-partition-maintenance");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::runLogged, INTERVAL.toMillis(), INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void runLogged() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Click partition maintenance failed, next try in {}: {}", INTERVAL, e.toString());
        }
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

    /** Before the streams (default phase), so the partitions exist before the first write. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1;
    }
}
