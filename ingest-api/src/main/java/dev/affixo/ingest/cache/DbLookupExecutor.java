package dev.affixo.ingest.cache;

import dev.affixo.ingest.config.IngestProperties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The only threads that query PostgreSQL on behalf of a request (cache misses). Bounded threads and a
 * bounded queue: when PostgreSQL is slow the queue fills and further misses are rejected at once
 * (answered 503) instead of piling up.
 */
@Component
public class DbLookupExecutor implements Executor, DisposableBean {

    private final ThreadPoolExecutor pool;

    public DbLookupExecutor(IngestProperties properties) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(properties.dbLookupThreads(), properties.dbLookupThreads(),
                60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(properties.dbLookupQueue()),
                r -> {
                    Thread t = new Thread(r, "db-lookup-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }

    @Override
    public void destroy() {
        pool.shutdownNow();
    }
}
