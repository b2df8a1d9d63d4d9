package dev.affixo.ingest.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.infra.seed.TestData;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Changes made in PostgreSQL reach the running API's caches within 5 s, without a restart. */
class CacheInvalidationIntegrationTest extends IngestApiIntegrationTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private int status(String key, String ref) {
        return http.post().uri("/v1/track/click")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"ref\":\"" + ref + "\"}")
                .exchange()
                .expectBody().returnResult()
                .getStatus().value();
    }

    /** Milliseconds until {@code ref} with {@code key} answers {@code expected}, polling every 100 ms; -1 if never within 2×BOUND. */
    private long millisUntil(int expected, String key, String ref) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < BOUND.multipliedBy(2).toNanos()) {
            if (status(key, ref) == expected) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(100);
        }
        return -1;
    }

    @Test
    void revokedKeyIsRejectedWithin5Seconds() throws InterruptedException {
        TestData.Workspace ws = data.workspace();
        String ref = "inv-" + UUID.randomUUID();
        ws.link(ref);
        String key = ws.key(600, "track");
        assertThat(status(key, ref)).isEqualTo(200);   // now cached

        ws.revoke(key);

        assertThat(millisUntil(401, key, ref)).isBetween(0L, BOUND.toMillis());
    }

    @Test
    void deactivatedLinkIsNotFoundWithin5Seconds() throws InterruptedException {
        TestData.Workspace ws = data.workspace();
        String ref = "inv-" + UUID.randomUUID();
        ws.link(ref);
        String key = ws.key(600, "track");
        assertThat(status(key, ref)).isEqualTo(200);

        ws.deactivate(ref);

        assertThat(millisUntil(404, key, ref)).isBetween(0L, BOUND.toMillis());
    }

    @Test
    void newlyCreatedLinkWorksAfterAMissWasCached() throws InterruptedException {
        TestData.Workspace ws = data.workspace();
        String ref = "late-" + UUID.randomUUID();
        String key = ws.key(600, "track");
        assertThat(status(key, ref)).isEqualTo(404);   // "not found" is now negatively cached

        ws.link(ref);

        assertThat(millisUntil(200, key, ref)).isBetween(0L, BOUND.toMillis());
    }
}
