package dev.affixo.ingest.tracing;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.samplers.Sampler;
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
        return tracing.enabled() ? new ClickTracing(tracer.getObject(), boot.getSampling().getProbability())
                : ClickTracing.OFF;
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
