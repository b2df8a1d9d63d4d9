package dev.affixo.ingest.tracing;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Spring Boot's OpenTelemetry set-up (SDK, W3C propagation, log correlation, batch span processor, OTLP exporter),
 * with three choices of ours: the sampler ({@link DrawnRootSampler}, or always off when tracing is disabled), the
 * OTLP endpoint (only when one is configured), and the explicit instrumentation of the tracking requests
 * ({@link ClickTracing}).
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TracingConfiguration.class);

    /** Replaces Boot's sampler ({@code parentBased(traceIdRatioBased(probability))}), keeping its behaviour otherwise. */
    @Bean
    Sampler affixoSampler(TracingProperties tracing,
                          org.springframework.boot.micrometer.tracing.autoconfigure.TracingProperties boot) {
        if (!tracing.enabled()) {
            return Sampler.alwaysOff();
        }
        return Sampler.parentBased(
                new DrawnRootSampler(Sampler.traceIdRatioBased(boot.getSampling().getProbability())));
    }

    /**
     * The sampling used for requests is Boot's {@code management.tracing.sampling.probability} (which application.yml
     * sets from {@code affixo.tracing.sampling}), so the API's draw and every other root agree.
     */
    @Bean
    ClickTracing clickTracing(TracingProperties tracing, ObjectProvider<Tracer> tracer,
                              org.springframework.boot.micrometer.tracing.autoconfigure.TracingProperties boot) {
        log.info(describe(tracing, boot.getSampling().getProbability()));
        return tracing.enabled() ? new ClickTracing(tracer.getObject(), boot.getSampling().getProbability())
                : ClickTracing.OFF;
    }

    /** One line at start, so an operator (or a benchmark) can see what this process traces. */
    static String describe(TracingProperties tracing, double sampling) {
        if (!tracing.enabled()) {
            return "tracing disabled (AFFIXO_TRACING_ENABLED=false)";
        }
        return "tracing: requests without a traceparent sampled at " + sampling + ", spans exported "
                + (tracing.otlpEndpoint() == null ? "nowhere (no AFFIXO_TRACING_OTLP_ENDPOINT)"
                : "to " + tracing.otlpEndpoint());
    }

    /**
     * Boot builds its OTLP span exporter when these connection details exist. Given here, not as Boot's
     * {@code management.opentelemetry.tracing.export.otlp.endpoint} from a placeholder, because an unset variable
     * would make that property empty, and Boot would then build an exporter for an empty URL and fail.
     */
    @Bean
    @Conditional(OtlpEndpointSet.class)
    OtlpTracingConnectionDetails otlpTracingConnectionDetails(TracingProperties tracing) {
        return transport -> tracing.otlpEndpoint();
    }

    static final class OtlpEndpointSet extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean set = StringUtils.hasText(context.getEnvironment().getProperty("affixo.tracing.otlp-endpoint"));
            return new ConditionOutcome(set, "affixo.tracing.otlp-endpoint is " + (set ? "set" : "unset"));
        }
    }
}
