package dev.affixo.ingest.error;

import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
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

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        ApiException api = toApiException(failure);
        response.setStatusCode(api.error().status());
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        if (api.error() == ApiError.METHOD_NOT_ALLOWED) {
            response.getHeaders().set(HttpHeaders.ALLOW, "POST");
        }
        DataBuffer body = response.bufferFactory().wrap(ErrorResponses.body(api));
        return response.writeWith(Mono.just(body));
    }

    private static ApiException toApiException(Throwable failure) {
        if (failure instanceof ResponseStatusException status) {
            return switch (status.getStatusCode().value()) {
                case 404 -> ApiException.of(ApiError.NOT_FOUND);
                case 405 -> ApiException.of(ApiError.METHOD_NOT_ALLOWED);
                case 413 -> ApiException.of(ApiError.PAYLOAD_TOO_LARGE);
                case 415 -> ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE);
                case 400 -> ApiException.of(ApiError.INVALID_JSON);
                default -> ApiException.of(ApiError.INTERNAL);
            };
        }
        return ErrorResponses.toApiException(failure);
    }
}
