package dev.affixo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.MatchMethod;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.infra.verify.StoredClick;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The verifier: what PostgreSQL holds for one workspace, compared with what the API accepted (the topic read
 * back), with what the test sent, and with what {@link ClickModel} computes from the accepted events.
 */
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

    /**
     * The accepted events are exactly the requests answered 200 ({@code sent}, by url), each once and as
     * sent; and the stored rows are exactly the rows the model computes from those events, column by column.
     * The caller's traffic must meet one of {@link ClickModel}'s exactness conditions.
     */
    Map<String, StoredClick> assertMatchesModel(List<ClickEvent> accepted, Map<String, ClickLoad.Request> sent) {
        Map<String, List<ClickEvent>> byUrl = accepted.stream().collect(Collectors.groupingBy(ClickEvent::url));
        assertThat(byUrl.keySet()).as("urls on the topic").isEqualTo(sent.keySet());
        Map<String, String> eventIdPerUrl = new HashMap<>();
        byUrl.forEach((url, copies) -> {
            assertThat(copies.stream().map(ClickEvent::eventId).distinct()).as("event ids of " + url).hasSize(1);
            eventIdPerUrl.put(url, copies.get(0).eventId());
            ClickEvent e = copies.get(0);
            ClickLoad.Request request = sent.get(url);
            assertThat(e.ref()).isEqualTo(request.ref());
            assertThat(e.fingerprint()).isEqualTo(request.fingerprint());
            if (request.visitorId() != null) {
                assertThat(e.matchMethod()).isEqualTo(MatchMethod.COOKIE);
                assertThat(e.visitorId()).isEqualTo(request.visitorId());
            } else {
                assertThat(e.matchMethod()).isEqualTo(request.fingerprint() != null ? MatchMethod.FINGERPRINT
                        : MatchMethod.NEW);
            }
        });
        Map<String, StoredClick> expected = ClickModel.withDefaultWindow().expectedRows(accepted);
        assertThat(StoredClick.differences(expected, StoredClick.readAll(jdbi, workspaceId))).isEmpty();
        return expected;
    }

    /** Guards a verifier against traffic that gives it nothing to judge: repeats and used aliases occur. */
    static void assertTrafficExercisesDedupAndAliases(Map<String, StoredClick> expected) {
        assertThat(expected.values()).extracting(StoredClick::classification).contains("unique", "duplicate");
        assertThat(expected.values()).as("fingerprint-only clicks resolved through an alias")
                .anyMatch(r -> r.matchMethod().equals("fingerprint") && !r.canonicalVisitorId().equals(r.visitorId()));
    }
}
