package dev.affixo.ingest.requestid;

import org.slf4j.MDC;
import org.springframework.web.server.ServerWebExchange;

/**
 * Request ids on log lines. The few lines a request logs are written with the id in the MDC for the
 * duration of that call only — explicit instead of Reactor's automatic context propagation, which
 * would add a thread-local hop to every operator of every request on the hot path.
 */
public final class RequestIds {

    public static final String MDC_KEY = "request_id";

    private RequestIds() {
    }

    public static String of(ServerWebExchange exchange) {
        Object id = exchange.getAttribute(RequestIdFilter.ATTRIBUTE);
        return id == null ? "-" : id.toString();
    }

    /** Runs {@code log} with the request id in the MDC. */
    public static void withId(String requestId, Runnable log) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable(MDC_KEY, requestId)) {
            log.run();
        }
    }
}
