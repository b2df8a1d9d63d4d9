package dev.affixo.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.infra.seed.TestData;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

class RateLimitIntegrationTest extends IngestApiIntegrationTest {

    @Test
    void defaultLimitAccepts600Of601RequestsInAMinute() {
        TestData.Workspace ws = data.workspace();
        String ref = "rl-" + UUID.randomUUID();
        ws.link(ref);
        String key = ws.key(600, "track");   // the schema's default limit
        String body = "{\"ref\":\"" + ref + "\"}";

        Map<Integer, Integer> byStatus = new TreeMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < 601; i++) {
            int status = http.post().uri("/v1/track/click")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectBody().returnResult()
                    .getStatus().value();
            byStatus.merge(status, 1, Integer::sum);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        assertThat(seconds).as("the 601 requests must fall in one window").isLessThan(60);
        assertThat(byStatus).isEqualTo(Map.of(200, 600, 429, 1));
    }
}
