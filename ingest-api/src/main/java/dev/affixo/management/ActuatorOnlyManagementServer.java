package dev.affixo.management;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * Keeps the management server ({@code MANAGEMENT_PORT}) to the actuator, and closes each of its connections
 * after one answer. Boot runs it in a child context whose WebFlux setup also finds the main context's
 * {@code RouterFunction} beans, so without {@link #actuatorOnly} {@code POST /v1/track/click} would answer on
 * the management port too.
 *
 * <p>Applied to that child context only, through
 * {@code META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports}.
 * It lives outside {@code dev.affixo.ingest} on purpose: the application's component scan must not find it,
 * or it would turn the API away on the public port.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class ActuatorOnlyManagementServer {

    private static final ApiException NOT_FOUND = ApiException.of(ApiError.NOT_FOUND);

    /** {@code errors} comes from the application context, this child context's parent: one envelope writer. */
    @Bean
    WebFilter actuatorOnly(WebEndpointProperties endpoints, ErrorResponses errors) {
        String basePath = endpoints.getBasePath();
        return (exchange, chain) -> isUnder(exchange.getRequest().getPath().pathWithinApplication().value(), basePath)
                ? chain.filter(exchange)
                : errors.write(exchange, NOT_FOUND);
    }

    /**
     * Every answer on the management port closes its connection, so no client sends a second request on one.
     * Reactor Netty 1.3.6 (reactor/reactor-netty#4361, fixed upstream in 1.3.8) can stop reading a kept-alive
     * connection: when a request arrives before the previous one is finished — here readiness and the Prometheus
     * scrape finish on other threads (PostgreSQL, Kafka's admin client, the blocking scrape) — it is held back,
     * and once it has been answered the connection is never read again. The next request on it then gets no
     * answer at all, while the server sits idle: a probe fails, a scrape is lost, a client without a timeout
     * waits forever. Probes and scrapes come seconds apart, so a connection each costs nothing. The pom now pins
     * Reactor Netty 1.3.8, which has the fix, but on Netty 4.2.18 rather than the 4.2.19 it was released with (the
     * registry here serves no newer native jars); this stays as the probes' own guarantee until Spring Boot's own
     * Reactor Netty is 1.3.8 or later ({@code ManagementConnectionTest} pipelines requests to check it).
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    WebFilter closeConnectionAfterEachAnswer() {
        return (exchange, chain) -> {
            exchange.getResponse().beforeCommit(() -> {
                exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
                return Mono.empty();
            });
            return chain.filter(exchange);
        };
    }

    static boolean isUnder(String path, String basePath) {
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return true;
        }
        return path.equals(basePath) || path.startsWith(basePath + "/");
    }
}
