package dev.affixo.management;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Keeps the management server ({@code MANAGEMENT_PORT}) to the actuator. Boot runs it in a child context
 * whose WebFlux setup also finds the main context's {@code RouterFunction} beans, so without this filter
 * {@code POST /v1/track/click} would answer on the management port too.
 *
 * <p>Applied to that child context only, through
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports}.
 * It lives outside {@code dev.affixo.ingest} on purpose: the application's component scan must not find it,
 * or it would turn the API away on the public port.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class ActuatorOnlyManagementServer {

    private static final byte[] NOT_FOUND = ErrorResponses.body(ApiException.of(ApiError.NOT_FOUND));

    @Bean
    WebFilter actuatorOnly(WebEndpointProperties endpoints) {
        String basePath = endpoints.getBasePath();
        return (exchange, chain) -> isUnder(exchange.getRequest().getPath().pathWithinApplication().value(), basePath)
                ? chain.filter(exchange)
                : notFound(exchange);
    }

    static boolean isUnder(String path, String basePath) {
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return true;
        }
        return path.equals(basePath) || path.startsWith(basePath + "/");
    }

    private static Mono<Void> notFound(ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.NOT_FOUND);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(NOT_FOUND)));
    }
}
