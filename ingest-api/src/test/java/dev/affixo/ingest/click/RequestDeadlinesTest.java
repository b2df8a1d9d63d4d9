package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request timeout without a timer per request: requests that are not answered are expired once, in order, between
 * the timeout and the timeout plus one sweep; answered ones never are.
 */
class RequestDeadlinesTest {

    private static final Duration TIMEOUT = Duration.ofMillis(150);
    /** Scheduling slack on a busy 2-core machine, beyond the one sweep the design allows. */
    private static final long SLACK_MS = 250;

    private final EventLoop loop = new DefaultEventLoop();
    private final RequestDeadlines deadlines = new RequestDeadlines(TIMEOUT);

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** A request in the test: expired records when, and on which thread. */
    private static class Request implements RequestDeadlines.Pending {
        final String name;
        final long start = System.nanoTime();
        final List<Long> expiredAfterMs = new CopyOnWriteArrayList<>();
        final List<Thread> expiredOn = new CopyOnWriteArrayList<>();
        final List<String> log;
        RequestDeadlines.Watch watch;

        Request(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void expire() {
            expiredAfterMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            expiredOn.add(Thread.currentThread());
            log.add(name);
        }
    }

    @Test
    void unansweredRequestsExpireOnceInOrderAfterTheTimeoutAnsweredOnesNever() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Request first = new Request("first", log);
        Request answered = new Request("answered", log);
        Request third = new Request("third", log);
        Thread[] loopThread = new Thread[1];
        loop.submit(() -> {
            loopThread[0] = Thread.currentThread();
            first.watch = deadlines.watch(loop, first.start, first);
            answered.watch = deadlines.watch(loop, answered.start, answered);
            third.watch = deadlines.watch(loop, third.start, third);
        }).get();
        Thread.sleep(100);
        answered.watch.answered();

        Thread.sleep(TIMEOUT.toMillis() + RequestDeadlines.SWEEP.toMillis() + SLACK_MS + 150);

        assertThat(log).containsExactly("first", "third");
        assertThat(answered.expiredAfterMs).isEmpty();
        for (Request r : List.of(first, third)) {
            assertThat(r.expiredAfterMs).hasSize(1);
            assertThat(r.expiredAfterMs.get(0)).isBetween(TIMEOUT.toMillis(),
                    TIMEOUT.toMillis() + RequestDeadlines.SWEEP.toMillis() + SLACK_MS);
            assertThat(r.expiredOn).containsExactly(loopThread[0]);
        }
    }

    @Test
    void aRequestAnsweredBeforeItsTimeoutIsNeverExpiredAndALaterOneStillIs() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Request early = new Request("early", log);
        early.watch = loop.submit(() -> deadlines.watch(loop, early.start, early)).get();
        early.watch.answered();
        Thread.sleep(TIMEOUT.toMillis() / 2);
        Request later = new Request("later", log);
        later.watch = loop.submit(() -> deadlines.watch(loop, later.start, later)).get();

        Thread.sleep(TIMEOUT.toMillis() + RequestDeadlines.SWEEP.toMillis() + SLACK_MS + 150);

        assertThat(log).containsExactly("later");
        assertThat(later.expiredAfterMs.get(0)).isGreaterThanOrEqualTo(TIMEOUT.toMillis());
    }

    @Test
    void aRequestWhoseExpiryFailsDoesNotStopTheLoopExpiringTheOthers() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Request failing = new Request("failing", log) {
            @Override
            public void expire() {
                super.expire();
                throw new IllegalStateException("the 503 could not be written");
            }
        };
        loop.submit(() -> deadlines.watch(loop, failing.start, failing)).get();
        Thread.sleep(TIMEOUT.toMillis() + RequestDeadlines.SWEEP.toMillis() + SLACK_MS);
        Request next = new Request("next", log);
        loop.submit(() -> deadlines.watch(loop, next.start, next)).get();

        Thread.sleep(TIMEOUT.toMillis() + RequestDeadlines.SWEEP.toMillis() + SLACK_MS + 150);

        // a periodic task that throws is never run again by Netty: without the guard "next" would wait forever
        assertThat(log).containsExactly("failing", "next");
    }

    @Test
    void offTheEventLoopAnAnsweredRequestIsNotExpiredEither() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Request answered = new Request("answered", log);
        deadlines.watch((EventLoop) null, answered.start, answered).answered();

        Thread.sleep(TIMEOUT.toMillis() + SLACK_MS + 150);

        assertThat(log).isEmpty();
    }

    @Test
    void offTheEventLoopEachRequestGetsItsOwnTimer() throws Exception {
        CountDownLatch expired = new CountDownLatch(1);
        List<String> log = new CopyOnWriteArrayList<>();
        Request elsewhere = new Request("elsewhere", log) {
            @Override
            public void expire() {
                super.expire();
                expired.countDown();
            }
        };
        deadlines.watch((EventLoop) null, elsewhere.start, elsewhere);

        assertThat(expired.await(TIMEOUT.toMillis() + SLACK_MS + 1000, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(elsewhere.expiredAfterMs.get(0)).isGreaterThanOrEqualTo(TIMEOUT.toMillis());
        assertThat(log).containsExactly("elsewhere");
    }
}
