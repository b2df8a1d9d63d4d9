package dev.affixo.processor.erasure;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The erased identities of erasures completed since a moment, for the processor's tasks to purge their state
 * ({@link StatePurge}). Read on a stream thread: must answer quickly or throw.
 */
@FunctionalInterface
public interface ErasureFeed {

    /** No erasures ever: for tools and tests that have no database. */
    ErasureFeed NONE = since -> List.of();

    /**
     * One erased identity: its erasure, when that was requested (the line between the person's clicks and later
     * ones) and completed, and the identity's {@link ErasedIdentity} hash.
     */
    record Erased(UUID erasureId, Instant requestedAt, Instant completedAt, long workspaceId, String hashHex) {
    }

    /** Every identity of every erasure completed at or after {@code since}. */
    List<Erased> completedSince(Instant since);
}
