package dev.affixo.ingest.click;

import dev.affixo.ingest.config.IngestProperties;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Gives up on a {@code POST /v1/track/click} that is not answered within {@code requestTimeout}, without a timer per
 * request.
 *
 * <p>Reactor's {@code timeout()} schedules a task on a shared {@code ScheduledThreadPoolExecutor} for every request
 * and cancels it when the answer comes: a lock and a heap insert and removal per click, about 2 % of the API's CPU
 * in a profile under load. Here every request has the same timeout, so requests expire in the order they arrived:
 * each event loop keeps the requests it started in a plain FIFO queue (touched only by that loop, so no lock) and
 * sweeps it every {@link #SWEEP}. A request therefore gets its 503 between {@code requestTimeout} and
 * {@code requestTimeout + SWEEP} after it arrived. Answered requests leave the queue at the next sweep that finds
 * them at its head; one slow request (a cache miss on a slow database) keeps those behind it queued until it is
 * answered or expires, at most {@code requestTimeout}. What stays queued is a {@link Watch} of 24 bytes, never the
 * request.
 */
@Component
class RequestDeadlines implements DisposableBean {

    static final Duration SWEEP = Duration.ofMillis(50);

    /** A request that can be given up on. */
    interface Pending {
        /** Answers it 503; called at most once, unless it was answered (and said so with {@link Watch#answered()}). */
        void expire();
    }

    /**
     * The clock of one request: all the queue holds of it, so that an answered request's objects (its exchange,
     * its click, its reply) are garbage at once rather than when the sweep reaches it. Holding them until then kept
     * ~1 000 exchanges alive at 20 000 clicks/s and lengthened every young collection.
     */
    static final class Watch {
        private final long startNanos;
        private volatile Pending pending;
        /** Off the event loop only: the request's own timer. */
        private volatile Disposable timer;

        private Watch(long startNanos, Pending pending) {
            this.startNanos = startNanos;
            this.pending = pending;
        }

        /** The request was answered: it will not be expired. */
        void answered() {
            pending = null;
            Disposable t = timer;
            if (t != null) {
                t.dispose();
            }
        }

        private void expireIfPending() {
            Pending p = pending;
            if (p != null) {
                pending = null;
                p.expire();
            }
        }
    }

    private static final Logger log = LoggerFactory.getLogger(RequestDeadlines.class);

    private final long timeoutNanos;
    private final FastThreadLocal<ArrayDeque<Watch>> queues = new FastThreadLocal<>();
    /** One sweep per event loop that served a request; cancelled with the application context (tests start several). */
    private final List<Future<?>> sweeps = new CopyOnWriteArrayList<>();

    @Autowired
    RequestDeadlines(IngestProperties properties) {
        this(properties.requestTimeout());
    }

    RequestDeadlines(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Starts the clock of {@code pending}, a request of {@code request}'s connection that arrived at {@code startNanos}. */
    Watch watch(ServerRequest request, long startNanos, Pending pending) {
        return watch(ClickIntake.eventLoop(request), startNanos, pending);
    }

    /** As above, for a request that arrived on {@code loop} (null: not on an event loop). */
    Watch watch(EventLoop loop, long startNanos, Pending pending) {
        Watch watch = new Watch(startNanos, pending);
        if (loop == null || !loop.inEventLoop()) {
            // not on Reactor Netty's event loop (never in production): one timer for this request
            watch.timer = Schedulers.parallel().schedule(() -> expire(watch),
                    timeoutNanos - (System.nanoTime() - startNanos), TimeUnit.NANOSECONDS);
            return watch;
        }
        ArrayDeque<Watch> queue = queues.get();
        if (queue == null) {
            ArrayDeque<Watch> fresh = new ArrayDeque<>();
            sweeps.add(loop.scheduleAtFixedRate(() -> sweep(fresh), SWEEP.toNanos(), SWEEP.toNanos(),
                    TimeUnit.NANOSECONDS));
            queues.set(fresh);
            queue = fresh;
        }
        queue.addLast(watch);
        return watch;
    }

    private void sweep(ArrayDeque<Watch> queue) {
        long now = System.nanoTime();
        Watch head;
        while ((head = queue.peekFirst()) != null) {
            if (head.pending == null) {
                queue.pollFirst();
            } else if (now - head.startNanos >= timeoutNanos) {
                queue.pollFirst();
                expire(head);
            } else {
                return;
            }
        }
    }

    /**
     * Never lets a failure out: an exception escaping a periodic task makes Netty drop the task, and every later
     * request of that event loop would wait for its 503 forever.
     */
    private static void expire(Watch watch) {
        try {
            watch.expireIfPending();
        } catch (RuntimeException | Error e) {
            log.error("answering a request that timed out failed", e);
        }
    }

    @Override
    public void destroy() {
        sweeps.forEach(sweep -> sweep.cancel(false));
    }
}
