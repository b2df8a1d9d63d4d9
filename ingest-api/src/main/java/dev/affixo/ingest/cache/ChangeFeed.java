package dev.affixo.ingest.cache;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * A feature's cache as {@link CacheRefresher} sees it: filled once at start, then told about the rows of its
 * table that changed. Each feature owns its cache, its key type and its SQL; this package stays generic.
 */
public interface ChangeFeed {

    /** For logs and metrics, e.g. {@code links}. */
    String name();

    /** Puts every row worth having before the first request (up to the cache's bound); returns how many. */
    int warm(Handle handle);

    /** Replaces the cached entries of rows changed after {@code since}; rows nobody asked for stay out. */
    void applyChangedSince(Handle handle, Instant since);
}
