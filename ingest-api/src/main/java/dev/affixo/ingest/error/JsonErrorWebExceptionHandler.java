package dev.affixo.ingest.error;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Failures outside our handler (unknown path, a method no route takes, a malformed request Netty still
 * let through) get the same JSON envelope as everything else instead of Boot's default error page.
 * Ordered before Boot's own handler.
 */
@Component
@Order(-2)
class JsonErrorWebExceptionHandler implements WebExceptionHandler {

    private final ErrorResponses errors;

    JsonErrorWebExceptionHandler(ErrorResponses errors) {
        this.errors = errors;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(failure);
        }
        return errors.write(exchange, failure);
    }
}
