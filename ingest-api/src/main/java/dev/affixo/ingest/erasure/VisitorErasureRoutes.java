package dev.affixo.ingest.erasure;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import dev.affixo.ingest.requestid.RequestIds;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

@Configuration(proxyBeanMethods = false)
class VisitorErasureRoutes {

    /**
     * {@code /v1/visitors/**}, not {@code /v1/visitors/{visitor_id}}: the id is read from the raw path
     * ({@link VisitorIdPath}), so an id with an unencoded slash or an empty one is a 400 that says so, not a 404.
     */
    @Bean
    RouterFunction<ServerResponse> visitorErasureRoute(EraseVisitorHandler handler, ErrorResponses errors) {
        return RouterFunctions.route()
                .route(DELETE("/v1/visitors/**"), handler::erase)
                .route(path("/v1/visitors/**"), request -> errors.respond(
                        ApiException.of(ApiError.METHOD_NOT_ALLOWED), h -> h.set(HttpHeaders.ALLOW, "DELETE"),
                        RequestIds.of(request.exchange())))
                .build();
    }
}
