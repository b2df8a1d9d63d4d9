package dev.affixo.ingest.error;

import dev.affixo.ingest.config.IngestProperties;
import dev.affixo.ingest.requestid.RequestIds;
import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place that maps failures to status codes and writes the error envelope
 * {@code {"error": code, "need"?: scope, "detail"?: text}} with its headers — for the API's handlers
 * ({@link #respond}), for failures outside them and for the management port's 404 ({@link #write}).
 */
@Component
public class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String retryAfter;

    @Autowired
    public ErrorResponses(IngestProperties properties) {
        this(properties.retryAfterSeconds());
    }

    ErrorResponses(int retryAfterSeconds) {
        this.retryAfter = Integer.toString(retryAfterSeconds);
    }

    /** Turns any failure of the request path into its response; unknown failures become 500, never a hang. */
    public Mono<ServerResponse> respond(Throwable failure, String requestId) {
        return respond(failure, headers -> { }, requestId);
    }

    /** As {@link #respond(Throwable, String)}, adding headers that describe the request (e.g. its rate limit). */
    public Mono<ServerResponse> respond(Throwable failure, Consumer<HttpHeaders> extraHeaders, String requestId) {
        ApiException api = toApiException(failure);
        logUnexpected(api, failure, requestId);
        return ServerResponse.status(api.error().status())
                .headers(headers -> writeHeaders(api.error(), headers))
                .headers(extraHeaders)
                .bodyValue(body(api));
    }

    /**
     * The same answer as {@link #respond}, written straight to the exchange: for code that runs outside a
     * handler function (a {@code WebExceptionHandler}, a {@code WebFilter}).
     */
    public Mono<Void> write(ServerWebExchange exchange, Throwable failure) {
        ApiException api = toApiException(failure);
        logUnexpected(api, failure, RequestIds.of(exchange));
        ServerHttpResponse response = exchange.getResponse();
        byte[] body = body(api);
        response.setStatusCode(api.error().status());
        writeHeaders(api.error(), response.getHeaders());
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /** Any failure as the error it is answered with; see {@link #fromStatus} for the framework's own. */
    public static ApiException toApiException(Throwable failure) {
        Throwable cause = rootCause(failure);
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof ResponseStatusException status) {
            return fromStatus(status.getStatusCode().value());
        }
        if (isInfrastructure(cause)) {
            return ApiException.unavailable(cause);
        }
        return ApiException.of(ApiError.INTERNAL);
    }

    /**
     * A status the framework decided (unknown path, no route for the method, a request it could not read)
     * as our error. Only statuses with a code of their own keep it; any other client error is a malformed
     * request ({@code invalid_request}, 400) — not {@code invalid_json}, which says the body was read and is
     * not JSON — and any other server error is 500.
     */
    static ApiException fromStatus(int status) {
        return switch (status) {
            case 404 -> ApiException.of(ApiError.NOT_FOUND);
            case 405 -> ApiException.of(ApiError.METHOD_NOT_ALLOWED);
            case 413 -> ApiException.of(ApiError.PAYLOAD_TOO_LARGE);
            case 415 -> ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE);
            case 503 -> ApiException.unavailable(null);
            default -> status >= 400 && status < 500
                    ? ApiException.invalidRequest("request", "malformed")
                    : ApiException.of(ApiError.INTERNAL);
        };
    }

    static byte[] body(ApiException api) {
        return envelope(api, false);
    }

    /**
     * One failed item of a batch, {@code {"ok":false,"error":code,"detail"?:text}}: the envelope of the same
     * failure of a single click, marked as not ok so that every entry of {@code results} has {@code ok}.
     * Not logged here: a batch logs once ({@link #logUnexpected(Throwable, String)}), not once per item.
     */
    public static byte[] itemBody(ApiException api) {
        return envelope(api, true);
    }

    /** Logs {@code failure} as a whole request's would be: a 503 is worth a warning, a 500 is a bug. */
    public static void logUnexpected(Throwable failure, String requestId) {
        logUnexpected(toApiException(failure), failure, requestId);
    }

    private static byte[] envelope(ApiException api, boolean item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (item) {
                g.writeBooleanProperty("ok", false);
            }
            g.writeStringProperty("error", api.error().code());
            if (api.error().need() != null) {
                g.writeStringProperty("need", api.error().need());
            }
            if (api.detail() != null) {
                g.writeStringProperty("detail", api.detail());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private void writeHeaders(ApiError error, HttpHeaders headers) {
        headers.setContentType(MediaType.APPLICATION_JSON);
        switch (error) {
            case UNAUTHORIZED -> headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            case INSUFFICIENT_SCOPE, INSUFFICIENT_WRITE_SCOPE -> headers.set(HttpHeaders.WWW_AUTHENTICATE,
                    "Bearer error=\"insufficient_scope\", scope=\"" + error.need() + "\"");
            case UNAVAILABLE -> headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
            case METHOD_NOT_ALLOWED -> headers.set(HttpHeaders.ALLOW, "POST");
            default -> { }
        }
    }

    /** Expected outcomes are counted, not logged; a 503 is worth a warning, a 500 is a bug. */
    private static void logUnexpected(ApiException api, Throwable failure, String requestId) {
        if (api.error() == ApiError.UNAVAILABLE) {
            RequestIds.withId(requestId, () -> log.warn("answering 503: {}", String.valueOf(rootCause(failure))));
        } else if (api.error() == ApiError.INTERNAL) {
            RequestIds.withId(requestId, () -> log.error("answering 500 for an unexpected failure", failure));
        }
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
