package dev.affixo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** The verifier: what PostgreSQL holds for one workspace, compared with what the API accepted. */
final class StoredClicks {

    private final Jdbi jdbi;
    private final long workspaceId;

    StoredClicks(DataSource dataSource, long workspaceId) {
        this.jdbi = Jdbi.create(dataSource);
        this.workspaceId = workspaceId;
    }

    long rows() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from clicks where workspace_id = :ws")
                .bind("ws", workspaceId).mapTo(Long.class).one());
    }

    long distinctEvents() {
        return jdbi.withHandle(h -> h.createQuery("select count(distinct event_id) from clicks where workspace_id = :ws")
                .bind("ws", workspaceId).mapTo(Long.class).one());
    }

    Set<String> visitors() {
        return new HashSet<>(jdbi.withHandle(h -> h.createQuery("select visitor_id from clicks where workspace_id = :ws")
                .bind("ws", workspaceId).mapTo(String.class).list()));
    }

    /** Waits until at least {@code expected} rows exist; returns how long that took. */
    Duration awaitRows(long expected, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long rows = -1;
        while (System.nanoTime() - start < timeout.toNanos()) {
            rows = rows();
            if (rows >= expected) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("only " + rows + " of " + expected + " rows within " + timeout);
    }

    /** Every accepted click stored, exactly once, and nothing else. */
    void assertExactly(Set<String> accepted) {
        assertThat(rows()).isEqualTo(accepted.size());
        assertThat(distinctEvents()).isEqualTo(accepted.size());
        assertThat(visitors()).isEqualTo(accepted);
    }
}
