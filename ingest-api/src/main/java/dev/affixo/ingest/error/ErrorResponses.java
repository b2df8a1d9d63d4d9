package dev.affixo.ingest.error;

import dev.affixo.ingest.config.IngestProperties;
import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.jdbi.v3.core.JdbiException;
import dev.affixo.ingest.requestid.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place that maps failures to status codes and the error envelope
 * {@code {"error": code, "need"?: scope, "detail"?: text}}.
 */
@Component
public class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String retryAfter;

    public ErrorResponses(IngestProperties properties) {
        this.retryAfter = Integer.toString(properties.retryAfterSeconds());
    }

    /** Turns any failure of the request path into its response; unknown failures become 503, never a hang. */
    public Mono<ServerResponse> respond(Throwable failure, String requestId) {
        return respond(failure, headers -> { }, requestId);
    }

    /** As {@link #respond(Throwable, String)}, adding headers that describe the request (e.g. its rate limit). */
    public Mono<ServerResponse> respond(Throwable failure, Consumer<HttpHeaders> extraHeaders, String requestId) {
        ApiException api = toApiException(failure);
        if (api.error() == ApiError.UNAVAILABLE) {
            RequestIds.withId(requestId, () -> log.warn("answering 503: {}", String.valueOf(rootCause(failure))));
        } else if (api.error() == ApiError.INTERNAL) {
            RequestIds.withId(requestId, () -> log.error("answering 500 for an unexpected failure", failure));
        }
        ServerResponse.BodyBuilder builder = ServerResponse.status(api.error().status())
                .contentType(MediaType.APPLICATION_JSON);
        switch (api.error()) {
            case UNAUTHORIZED -> builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            case INSUFFICIENT_SCOPE ->
                    builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\", scope=\"track\"");
            case UNAVAILABLE -> builder.header(HttpHeaders.RETRY_AFTER, retryAfter);
            case METHOD_NOT_ALLOWED -> builder.header(HttpHeaders.ALLOW, "POST");
            default -> { }
        }
        return builder.headers(extraHeaders).bodyValue(body(api));
    }

    public static byte[] body(ApiException api) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("error", api.error().code());
            if (api.error() == ApiError.INSUFFICIENT_SCOPE) {
                g.writeStringProperty("need", "track");
            }
            if (api.detail() != null) {
                g.writeStringProperty("detail", api.detail());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    public static ApiException toApiException(Throwable failure) {
        Throwable cause = rootCause(failure);
        if (cause instanceof ApiException api) {
            return api;
        }
        if (isInfrastructure(cause)) {
            return ApiException.unavailable(cause);
        }
        return ApiException.of(ApiError.INTERNAL);
    }

    /** Failures of something we depend on (Kafka, PostgreSQL, a full queue, the deadline): retryable, 503. */
    private static boolean isInfrastructure(Throwable cause) {
        return cause instanceof TimeoutException
                || cause instanceof RejectedExecutionException
                || cause instanceof KafkaException
                || cause instanceof JdbiException
                || cause instanceof SQLException;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
