package dev.affixo.ingest.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

class ErrorResponsesTest {

    private final ErrorResponses errors = new ErrorResponses(7);

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(ApiException.of(ApiError.LINK_NOT_FOUND), ApiError.LINK_NOT_FOUND),
                Arguments.of(new CompletionException(ApiException.of(ApiError.RATE_LIMITED)), ApiError.RATE_LIMITED),
                Arguments.of(new ExecutionException(new TimeoutException("deadline")), ApiError.UNAVAILABLE),
                Arguments.of(new RejectedExecutionException("queue full"), ApiError.UNAVAILABLE),
                Arguments.of(new RecordTooLargeException("kafka"), ApiError.UNAVAILABLE),
                Arguments.of(new SQLException("down"), ApiError.UNAVAILABLE),
                Arguments.of(new ResponseStatusException(HttpStatus.NOT_FOUND), ApiError.NOT_FOUND),
                Arguments.of(new MethodNotAllowedException("PUT", List.of()), ApiError.METHOD_NOT_ALLOWED),
                Arguments.of(new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE), ApiError.PAYLOAD_TOO_LARGE),
                Arguments.of(new ResponseStatusException(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
                        ApiError.UNSUPPORTED_MEDIA_TYPE),
                Arguments.of(new ServerWebInputException("bad request line"), ApiError.INVALID_REQUEST),
                Arguments.of(new NotAcceptableStatusException("no"), ApiError.INVALID_REQUEST),
                Arguments.of(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE), ApiError.UNAVAILABLE),
                Arguments.of(new ResponseStatusException(HttpStatus.BAD_GATEWAY), ApiError.INTERNAL),
                Arguments.of(new IllegalStateException("bug"), ApiError.INTERNAL));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void mapsEachFailureToItsError(Throwable failure, ApiError expected) {
        assertThat(ErrorResponses.toApiException(failure).error()).isEqualTo(expected);
    }

    @Test
    void aFrameworkBadRequestIsAMalformedRequestNotInvalidJson() {
        ApiException api = ErrorResponses.fromStatus(400);

        assertThat(api.error()).isEqualTo(ApiError.INVALID_REQUEST);
        assertThat(api.detail()).isEqualTo("request: malformed");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "UNAUTHORIZED       | {\"error\":\"unauthorized\"}",
            "INSUFFICIENT_SCOPE | {\"error\":\"insufficient_scope\",\"need\":\"track\"}",
            "RATE_LIMITED       | {\"error\":\"rate_limited\"}",
            "UNAVAILABLE        | {\"error\":\"unavailable\"}",
    })
    void theEnvelopeHasNeedOnlyForScope(ApiError error, String json) {
        assertThat(new String(ErrorResponses.body(ApiException.of(error)), StandardCharsets.UTF_8)).isEqualTo(json);
    }

    @Test
    void theEnvelopeCarriesTheDetailEscaped() {
        assertThat(new String(ErrorResponses.body(ApiException.invalidRequest("ref", "bad \"x\"")),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"error\":\"invalid_request\",\"detail\":\"ref: bad \\\"x\\\"\"}");
    }

    /** Both ways of answering — from a handler and straight to the exchange — write the identical response. */
    @ParameterizedTest
    @EnumSource(ApiError.class)
    void handlerResponsesAndDirectWritesAreIdentical(ApiError error) {
        ApiException api = error == ApiError.INVALID_REQUEST ? ApiException.invalidRequest("url", "bad")
                : ApiException.of(error);

        MockServerWebExchange viaHandler = exchange();
        errors.respond(api, "req-1").flatMap(r -> r.writeTo(viaHandler, CONTEXT)).block();
        MockServerWebExchange direct = exchange();
        errors.write(direct, api).block();

        assertThat(direct.getResponse().getStatusCode()).isEqualTo(error.status());
        assertThat(viaHandler.getResponse().getStatusCode()).isEqualTo(error.status());
        assertThat(direct.getResponse().getHeaders().toSingleValueMap())
                .isEqualTo(viaHandler.getResponse().getHeaders().toSingleValueMap());
        assertThat(direct.getResponse().getBodyAsString().block())
                .isEqualTo(viaHandler.getResponse().getBodyAsString().block())
                .isEqualTo(new String(ErrorResponses.body(api), StandardCharsets.UTF_8));
    }

    @Test
    void headersSayWhatTheClientNeeds() {
        assertThat(written(ApiException.of(ApiError.UNAUTHORIZED)).get(HttpHeaders.WWW_AUTHENTICATE))
                .containsExactly("Bearer");
        assertThat(written(ApiException.of(ApiError.INSUFFICIENT_SCOPE)).get(HttpHeaders.WWW_AUTHENTICATE))
                .containsExactly("Bearer error=\"insufficient_scope\", scope=\"track\"");
        assertThat(written(ApiException.unavailable(null)).get(HttpHeaders.RETRY_AFTER)).containsExactly("7");
        assertThat(written(ApiException.of(ApiError.METHOD_NOT_ALLOWED)).get(HttpHeaders.ALLOW))
                .containsExactly("POST");
        HttpHeaders notFound = written(ApiException.of(ApiError.NOT_FOUND));
        assertThat(notFound.getContentType()).hasToString("application/json");
        assertThat(notFound.headerNames())
                .containsExactlyInAnyOrder(HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LENGTH);
    }

    @Test
    void extraHeadersOfTheRequestAreAdded() {
        MockServerWebExchange exchange = exchange();
        errors.respond(ApiException.of(ApiError.RATE_LIMITED), h -> h.set("RateLimit", "r=0"), "req-1")
                .flatMap(r -> r.writeTo(exchange, CONTEXT)).block();

        assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit")).isEqualTo("r=0");
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
    }

    private HttpHeaders written(ApiException api) {
        MockServerWebExchange exchange = exchange();
        errors.write(exchange, api).block();
        return exchange.getResponse().getHeaders();
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.post("/v1/track/click"));
    }

    private static final ServerResponse.Context CONTEXT = new ServerResponse.Context() {
        @Override
        public List<HttpMessageWriter<?>> messageWriters() {
            return HandlerStrategies.withDefaults().messageWriters();
        }

        @Override
        public List<ViewResolver> viewResolvers() {
            return List.of();
        }
    };
}
