package dev.affixo.ingest.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

class JsonErrorWebExceptionHandlerTest {

    private final JsonErrorWebExceptionHandler handler = new JsonErrorWebExceptionHandler(new ErrorResponses(1));

    @Test
    void aRequestTheFrameworkCouldNotReadIsInvalidRequestNotInvalidJson() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/track/click"));

        handler.handle(exchange, new ServerWebInputException("bad")).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(exchange.getResponse().getBodyAsString().block())
                .isEqualTo("{\"error\":\"invalid_request\",\"detail\":\"request: malformed\"}");
    }

    @Test
    void anUnknownPathIsNotFound() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/nothing"));

        handler.handle(exchange, new ResponseStatusException(HttpStatus.NOT_FOUND)).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(exchange.getResponse().getBodyAsString().block()).isEqualTo("{\"error\":\"not_found\"}");
    }

    @Test
    void aResponseAlreadyCommittedIsLeftAloneAndTheFailurePassedOn() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/nothing"));
        exchange.getResponse().setComplete().block();
        ResponseStatusException failure = new ResponseStatusException(HttpStatus.NOT_FOUND);

        assertThatThrownBy(() -> handler.handle(exchange, failure).block()).isSameAs(failure);
    }
}
