package dev.affixo.processor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/** The processor's one HTTP server is its management server: health and Prometheus ({@code MANAGEMENT_PORT}). */
@Configuration(proxyBeanMethods = false)
class ManagementServer {

    /**
     * Every answer closes its connection, so no client sends a second request on one. Reactor Netty 1.3.6
     * (reactor/reactor-netty#4361, fixed upstream in 1.3.8) can stop reading a kept-alive connection: when a request
     * arrives before the previous one is finished — readiness and the Prometheus scrape finish on other threads
     * (PostgreSQL, the blocking scrape) — it is held back, and once it has been answered the connection is never
     * read again. The next request on it then gets no answer at all while the server sits idle: a probe fails, a
     * scrape is lost, a client without a timeout waits forever. Probes and scrapes come seconds apart, so a
     * connection each costs nothing. Kept while Reactor Netty 1.3.8 (the pom's,
     * with the fix) runs on a Netty it was not released with; remove once Spring Boot's own Reactor Netty is 1.3.8
     * or later ({@code ClickProcessorApplicationIT} pipelines requests to check it).
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
}
