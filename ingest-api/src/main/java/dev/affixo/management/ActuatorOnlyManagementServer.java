package dev.affixo.management;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import dev.affixo.ingest.error.ErrorResponses;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.context.annotation.Bean;
import org.springframework.web.server.WebFilter;

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

    private static final ApiException NOT_FOUND = ApiException.of(ApiError.NOT_FOUND);

    /** {@code errors} comes from the application context, this child context's parent: one envelope writer. */
    @Bean
    WebFilter actuatorOnly(WebEndpointProperties endpoints, ErrorResponses errors) {
        String basePath = endpoints.getBasePath();
        return (exchange, chain) -> isUnder(exchange.getRequest().getPath().pathWithinApplication().value(), basePath)
                ? chain.filter(exchange)
                : errors.write(exchange, NOT_FOUND);
    }

    static boolean isUnder(String path, String basePath) {
        if (basePath == null || basePath.isEmpty() || basePath.equals("/")) {
            return true;
        }
        return path.equals(basePath) || path.startsWith(basePath + "/");
    }
}
