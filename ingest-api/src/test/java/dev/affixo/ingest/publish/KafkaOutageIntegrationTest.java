package dev.affixo.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEventCodec;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * With the broker stopped, the API answers 503 within its bound and never 200, and its readiness (on the
 * management port) is DOWN; once the broker is back it answers 200 again without a restart, readiness is
 * UP again, and every click it said 200 to is in the topic.
 */
class KafkaOutageIntegrationTest extends IngestApiIntegrationTest {

    /** The configured request timeout plus scheduling slack on a 2-core machine. */
    private static final Duration BOUND = Duration.ofSeconds(5).plusMillis(1500);

    @Test
    void brokerDownAnswers503WithinTheBoundAndRecoversWithoutRestart() throws InterruptedException {
        TestData.Workspace ws = data.workspace();
        String ref = "outage-" + UUID.randomUUID();
        ws.link(ref);
        String key = ws.key(600, "track");
        List<String> accepted = new ArrayList<>();
        List<String> rejected = new ArrayList<>();

        assertThat(send(key, ref, accepted, rejected)).isEqualTo(200);

        infra.kafka().stop();
        try {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                EntityExchangeResult<byte[]> result = sendRaw(key, ref, "down-" + UUID.randomUUID());
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(result.getStatus().value()).isEqualTo(503);
                assertThat(new String(result.getResponseBodyContent())).isEqualTo("{\"error\":\"unavailable\"}");
                assertThat(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
                assertThat(took).isLessThanOrEqualTo(BOUND);
            }
            management.get().uri("/actuator/health/readiness").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.status").isEqualTo("DOWN");
        } finally {
            infra.kafka().restart();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline) {
            status = send(key, ref, accepted, rejected);
        }
        assertThat(status).as("200 again after the broker came back").isEqualTo(200);
        int readiness = 0;
        while (readiness != 200 && System.nanoTime() < deadline) {
            readiness = management.get().uri("/actuator/health/readiness").exchange()
                    .expectBody().returnResult().getStatus().value();
        }
        assertThat(readiness).as("ready again after the broker came back").isEqualTo(200);

        Set<String> inTopic = new HashSet<>();
        TopicReader.read(infra.bootstrapServers(), TOPIC, r -> true, 0, Duration.ofSeconds(5))
                .forEach(r -> inTopic.add(ClickEventCodec.decode(r.value()).visitorId()));
        assertThat(inTopic).containsAll(accepted);
    }

    private int send(String key, String ref, List<String> accepted, List<String> rejected) {
        String visitor = "v-" + UUID.randomUUID();
        int status = sendRaw(key, ref, visitor).getStatus().value();
        (status == 200 ? accepted : rejected).add(visitor);
        return status;
    }

    private EntityExchangeResult<byte[]> sendRaw(String key, String ref, String visitor) {
        return http.post().uri("/v1/track/click")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"ref\":\"" + ref + "\",\"visitor_id\":\"" + visitor + "\"}")
                .exchange()
                .expectBody().returnResult();
    }
}
