package dev.affixo.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.admin.topics.ClickTopics;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.PipelineInfraExtension;
import dev.affixo.infra.junit.WithPipelineInfra;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The API does not create its topic. Started before {@code affixo-admin topics create} ran, it stays up but
 * not ready, says in its log which command is missing, and becomes ready once the topic exists.
 */
@WithPipelineInfra
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MissingTopicReadinessTest {

    private static final String TOPIC = "missing-" + UUID.randomUUID() + ".clicks.accepted";

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        PipelineInfraExtension.shared().springProperties().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("affixo.ingest.accepted-topic", () -> TOPIC);
    }

    @Test
    void staysNotReadyAndNamesTheProvisioningCommandUntilTheTopicExists(CapturedOutput log, PipelineInfra infra)
            throws InterruptedException {
        WebTestClient management = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort)
                .responseTimeout(Duration.ofSeconds(15)).build();

        management.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.status").isEqualTo("DOWN");
        assertThat(log.getAll()).contains("topic " + TOPIC + " does not exist; readiness stays DOWN")
                .contains("affixo-admin topics create");
        management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
            new ClickTopics(admin).ensure(TOPIC, 2, (short) 1);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status;
        while ((status = readiness(management)) != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(status).as("readiness once the topic exists").isEqualTo(200);
    }

    private static int readiness(WebTestClient management) {
        return management.get().uri("/actuator/health/readiness").exchange().expectBody().returnResult()
                .getStatus().value();
    }
}
