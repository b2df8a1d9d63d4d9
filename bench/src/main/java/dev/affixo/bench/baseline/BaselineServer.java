package dev.affixo.bench.baseline;

import java.io.ByteArrayOutputStream;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Baseline (a): the ceiling of the HTTP stack. The same WebFlux functional route, the same body read
 * (joined, capped at 16 KiB), the same Jackson parse and the same 200 body and rate-limit headers as
 * {@code POST /v1/track/click} — without authentication, rate limiting, link lookup or Kafka. Started by
 * the benchmark as a child JVM ({@code affixo-bench.jar baseline-server}) with the services' JVM flags.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class BaselineServer {

    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final byte[] READY = "{\"status\":\"UP\"}".getBytes();

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(BaselineServer.class);
        app.setDefaultProperties(java.util.Map.of(
                "server.port", "${PORT:8090}",
                "spring.main.banner-mode", "off",
                "spring.main.web-application-type", "reactive"));
        app.run(args);
    }

    @Bean
    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .POST("/v1/track/click", BaselineServer::track)
                .GET("/actuator/health/readiness", r -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(READY))
                .build();
    }

    static Mono<ServerResponse> track(ServerRequest request) {
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), MAX_BODY_BYTES)
                .map(BaselineServer::drain)
                .flatMap(body -> {
                    JsonNode root = JSON.readTree(body);
                    JsonNode ref = root.get("ref");
                    if (ref == null || !ref.isString() || ref.stringValue().isEmpty()) {
                        return ServerResponse.badRequest().build();
                    }
                    String visitorId = text(root, "visitor_id");
                    String fingerprint = text(root, "fingerprint");
                    text(root, "url");
                    text(root, "referrer");
                    byte[] reply = visitorId != null ? reply(visitorId, "cookie", 1.0)
                            : fingerprint != null ? reply(UUID.randomUUID().toString(), "fingerprint", 0.8)
                            : reply(UUID.randomUUID().toString(), "new", 0.0);
                    return ServerResponse.ok()
                            .contentType(MediaType.APPLICATION_JSON)
                            .header("RateLimit-Policy", "\"per-key\";q=1000000000;w=60")
                            .header("RateLimit", "\"per-key\";r=999999999;t=60")
                            .bodyValue(reply);
                });
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n != null && n.isString() && !n.stringValue().isEmpty() ? n.stringValue() : null;
    }

    private static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static byte[] reply(String visitorId, String method, double confidence) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeBooleanProperty("ok", true);
            g.writeStringProperty("visitor_id", visitorId);
            g.writeStringProperty("match_method", method);
            g.writeNumberProperty("match_confidence", confidence);
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
