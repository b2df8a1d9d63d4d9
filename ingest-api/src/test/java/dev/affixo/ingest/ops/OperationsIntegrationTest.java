package dev.affixo.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an on-call engineer relies on: outcome counters that move exactly, request ids, readiness — and
 * health and metrics on the management port only.
 */
class OperationsIntegrationTest extends IngestApiIntegrationTest {

    private int post(String token, String body, String requestId) {
        return http.post().uri("/v1/track/click")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .headers(h -> {
                    if (requestId != null) {
                        h.set("X-Request-Id", requestId);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectBody().returnResult().getStatus().value();
    }

    private double counter(String outcome) {
        return metric("affixo_ingest_requests_total", "outcome=\"" + outcome + "\"");
    }

    /** The value of the Prometheus series {@code name} whose labels contain {@code label}; 0 when absent. */
    @Test
    void outcomeCountersMoveByExactlyTheRequestsMade() {
        TestData.Workspace ws = data.workspace();
        String ref = "ops-" + UUID.randomUUID();
        ws.link(ref);
        String key = ws.key(600, "track");
        double accepted = counter("accepted");
        double unauthorized = counter("unauthorized");
        double invalidJson = counter("invalid_json");
        double notFound = counter("link_not_found");
        double published = metric("affixo_ingest_publish_seconds_count", "outcome=\"acknowledged\"");
        double linkHits = metric("cache_gets_total", "cache=\"links\",result=\"hit\"");

        for (int i = 0; i < 7; i++) {
            assertThat(post(key, "{\"ref\":\"" + ref + "\"}", null)).isEqualTo(200);
        }
        assertThat(post("sa_live_wrong", "{\"ref\":\"" + ref + "\"}", null)).isEqualTo(401);
        assertThat(post(key, "{nope", null)).isEqualTo(400);
        assertThat(post(key, "{\"ref\":\"missing-" + UUID.randomUUID() + "\"}", null)).isEqualTo(404);

        assertThat(counter("accepted") - accepted).isEqualTo(7.0);
        assertThat(counter("unauthorized") - unauthorized).isEqualTo(1.0);
        assertThat(counter("invalid_json") - invalidJson).isEqualTo(1.0);
        assertThat(counter("link_not_found") - notFound).isEqualTo(1.0);
        assertThat(metric("affixo_ingest_publish_seconds_count", "outcome=\"acknowledged\"") - published).isEqualTo(7.0);
        // The link was created after start, so its first lookup is a miss; the other six are hits.
        assertThat(metric("cache_gets_total", "cache=\"links\",result=\"hit\"") - linkHits).isEqualTo(6.0);
    }

    @Test
    void rateLimitRejectionsAreCountedPerKey() {
        TestData.Workspace ws = data.workspace();
        String ref = "ops-rl-" + UUID.randomUUID();
        ws.link(ref);
        String key = ws.key(1, "track");
        long keyId = ws.keyId(key);

        assertThat(post(key, "{\"ref\":\"" + ref + "\"}", null)).isEqualTo(200);
        assertThat(post(key, "{\"ref\":\"" + ref + "\"}", null)).isEqualTo(429);
        assertThat(post(key, "{\"ref\":\"" + ref + "\"}", null)).isEqualTo(429);

        assertThat(metric("affixo_ingest_rate_limited_total", "key_id=\"" + keyId + "\"")).isEqualTo(2.0);
    }

    @Test
    void requestIdIsEchoedWhenSaneAndMintedOtherwise() {
        http.post().uri("/v1/track/click").header("X-Request-Id", "merchant-req.42").exchange()
                .expectHeader().valueEquals("X-Request-Id", "merchant-req.42");
        http.post().uri("/v1/track/click").header("X-Request-Id", "bad id with spaces").exchange()
                .expectHeader().value("X-Request-Id", id -> assertThat(UUID.fromString(id).version()).isEqualTo(7));
        http.post().uri("/v1/track/click").exchange()
                .expectHeader().value("X-Request-Id", id -> assertThat(UUID.fromString(id).version()).isEqualTo(7));
    }

    @Test
    void readinessCoversKafkaDatabaseAndWarmCaches() {
        management.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    @Test
    void actuatorAnswersOnlyOnTheManagementPort() {
        assertThat(managementPort).isNotEqualTo(port);
        for (String path : new String[] {"/actuator", "/actuator/health", "/actuator/health/readiness",
                "/actuator/prometheus"}) {
            http.get().uri(path).exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody().json("{\"error\":\"not_found\"}", true);
        }
        management.get().uri("/actuator/health").exchange().expectStatus().isOk();
        management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    @Test
    void managementPortExposesNothingBeyondHealthAndPrometheus() {
        for (String path : new String[] {"/actuator/env", "/actuator/beans", "/actuator/configprops",
                "/actuator/metrics", "/actuator/loggers", "/actuator/threaddump", "/actuator/heapdump",
                "/actuator/shutdown"}) {
            management.get().uri(path).exchange().expectStatus().isNotFound();
        }
        byte[] discovery = management.get().uri("/actuator").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        assertThat(JsonMapper.builder().build().readTree(discovery).get("_links").propertyNames())
                .containsExactlyInAnyOrder("self", "health", "health-path", "prometheus");
    }

    @Test
    void theApiIsNotOnTheManagementPort() {
        management.post().uri("/v1/track/click").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isNotFound()
                .expectBody().json("{\"error\":\"not_found\"}", true);
        management.get().uri("/actuatorx").exchange().expectStatus().isNotFound();
    }
}
