package dev.affixo.ingest.click;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import dev.affixo.ingest.requestid.RequestIds;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

@Configuration(proxyBeanMethods = false)
class ClickRoutes {

    static final String TRACK_CLICK = "/v1/track/click";
    static final String TRACK_CLICKS = "/v1/track/clicks";

    @Bean
    RouterFunction<ServerResponse> trackClickRoute(TrackClickHandler handler, TrackClickBatchHandler batchHandler,
                                                   ErrorResponses errors) {
        HandlerFunction<ServerResponse> methodNotAllowed = request -> errors.respond(
                ApiException.of(ApiError.METHOD_NOT_ALLOWED), RequestIds.of(request.exchange()));
        return RouterFunctions.route()
                .POST(TRACK_CLICK, handler::track)
                .route(path(TRACK_CLICK), methodNotAllowed)
                .POST(TRACK_CLICKS, batchHandler::track)
                .route(path(TRACK_CLICKS), methodNotAllowed)
                .build();
    }
}
