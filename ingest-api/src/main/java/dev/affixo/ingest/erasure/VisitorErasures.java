package dev.affixo.ingest.erasure;

import dev.affixo.common.erasure.ErasureRequest;
import dev.affixo.ingest.cache.DbLookupExecutor;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;
import org.springframework.stereotype.Repository;

/** Records erasure requests ({@code visitor_erasures}), on the bounded lookup executor, never an event-loop thread. */
@Repository
class VisitorErasures {

    private final Jdbi jdbi;
    private final DbLookupExecutor executor;

    VisitorErasures(Jdbi jdbi, DbLookupExecutor executor) {
        this.jdbi = jdbi;
        this.executor = executor;
    }

    /**
     * Completes once the row is committed — the erasure is then durable and the processor will apply it; fails
     * with {@link java.util.concurrent.RejectedExecutionException} when the executor's queue is full (503).
     */
    CompletableFuture<ErasureRequest> record(ErasureRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            jdbi.useHandle(h -> h.createUpdate(ErasureRequest.INSERT)
                    .bind("erasureId", request.erasureId())
                    .bind("workspaceId", request.workspaceId())
                    .bind("keyId", request.keyId())
                    .bind("visitorId", request.visitorId())
                    .execute());
            return request;
        }, executor);
    }
}
