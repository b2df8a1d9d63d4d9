package dev.affixo.bench.stack;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything the run started, closed in reverse order exactly once: from the {@code finally} of a normal
 * run, or from the shutdown hook on Ctrl-C, whichever comes first.
 */
public final class Cleanup {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private boolean closed;

    public Cleanup() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "bench-cleanup"));
    }

    public synchronized <T extends AutoCloseable> T register(T resource) {
        if (closed) {
            closeQuietly(resource);
            throw new IllegalStateException("shutting down");
        }
        resources.push(resource);
        return resource;
    }

    /** Closes one resource early (and forgets it). */
    public void close(AutoCloseable resource) {
        synchronized (this) {
            resources.remove(resource);
        }
        closeQuietly(resource);
    }

    public synchronized void closeAll() {
        closed = true;
        while (!resources.isEmpty()) {
            closeQuietly(resources.pop());
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("cleanup: " + resource + ": " + e);
        }
    }
}
