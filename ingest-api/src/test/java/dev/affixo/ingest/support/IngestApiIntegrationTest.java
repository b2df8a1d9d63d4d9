package dev.affixo.ingest.support;

import dev.affixo.admin.topics.ClickTopics;
import dev.affixo.common.Topics;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.PipelineInfraExtension;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.origin.GeoIpProperties;
import dev.affixo.ingest.origin.TestOrigins;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of the ingest API's integration tests: the real application on a random port, real Kafka and
 * real PostgreSQL (started once per JVM by {@link WithPipelineInfra}), a client speaking real HTTP.
 * Every subclass shares one Spring context, so the app starts once. The management server (health,
 * Prometheus) gets its own random port too, as it has its own port in production.
 */
@WithPipelineInfra
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class IngestApiIntegrationTest {

    protected static final String TOPIC = Topics.ACCEPTED_CLICKS;
    private static final int PARTITIONS = 12;

    @LocalServerPort
    protected int port;

    @LocalManagementPort
    protected int managementPort;

    /** The public port: the API. */
    protected WebTestClient http;
    /** The management port: {@code /actuator/health/**}, {@code /actuator/prometheus}. */
    protected WebTestClient management;
    protected TestData data;
    protected PipelineInfra infra;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        PipelineInfra shared = PipelineInfraExtension.shared();
        // The API never creates its topic: provision it as an operator would, before the app starts.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, shared.bootstrapServers()))) {
            new ClickTopics(admin).ensure(TOPIC, PARTITIONS, (short) 1);
        }
        shared.springProperties().forEach((name, value) -> registry.add(name, () -> value));
        // MaxMind's test databases (src/test/resources/maxmind) and a fixed secret, so tests can compute what a
        // click's origin must be
        registry.add("affixo.ingest.ip-hash.secret", () -> TestOrigins.SECRET);
        GeoIpProperties geo = TestOrigins.testDatabases();
        registry.add("affixo.ingest.geoip.country-database", () -> geo.countryDatabase().toString());
        registry.add("affixo.ingest.geoip.asn-database", () -> geo.asnDatabase().toString());
        registry.add("affixo.ingest.geoip.anonymous-ip-database", () -> geo.anonymousIpDatabase().toString());
    }

    @BeforeEach
    void connect() {
        infra = PipelineInfraExtension.shared();
        http = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(15))
                .build();
        management = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + managementPort)
                .responseTimeout(Duration.ofSeconds(15))
                .build();
        data = new TestData(infra.dataSource());
    }

    /** An error answer: this status, JSON, and exactly this envelope. */
    protected static void expectError(WebTestClient.ResponseSpec response, int status, String json) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().json(json, true);
    }

    /** The value of the first series of {@code name} whose labels contain {@code label}, from the management port; 0 when none. */
    protected double metric(String name, String label) {
        String scrape = new String(management.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$")
                .matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }
}
