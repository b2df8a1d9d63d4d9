package dev.affixo.processor.tracing;

import dev.affixo.processor.sink.RowWriter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Spring Boot's OpenTelemetry set-up (SDK, its parent-based sampler, log correlation, batch span processor, OTLP
 * exporter) plus what Kafka Streams lacks: the write of each sampled click as a span in its trace
 * ({@link TracedRowWriter}). The click's context comes from the record headers the API wrote; the processor starts
 * no trace of its own.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TracingConfiguration.class);

    /** Disabled: Boot's sampler is replaced by one that samples nothing, so no span is ever recorded. */
    @Bean
    @ConditionalOnProperty(name = "affixo.tracing.enabled", havingValue = "false")
    Sampler tracingDisabledSampler() {
        return Sampler.alwaysOff();
    }

    /** What is put around the sink's writer (outside the retries, so their log lines carry the batch's ids). */
    @Bean
    WriteTracing writeTracing(TracingProperties tracing, ObjectProvider<Tracer> tracer) {
        log.info(!tracing.enabled() ? "tracing disabled (AFFIXO_TRACING_ENABLED=false)"
                : "tracing: writes of sampled clicks traced, spans exported " + (tracing.otlpEndpoint() == null
                ? "nowhere (no AFFIXO_TRACING_OTLP_ENDPOINT)" : "to " + tracing.otlpEndpoint()));
        return tracing.enabled() ? new WriteTracing(tracer.getObject()) : WriteTracing.OFF;
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

    /** Wraps the sink's writer in a {@link TracedRowWriter}, or leaves it alone when tracing is disabled. */
    public static final class WriteTracing {

        public static final WriteTracing OFF = new WriteTracing(null);

        private final Tracer tracer;

        WriteTracing(Tracer tracer) {
            this.tracer = tracer;
        }

        public RowWriter around(RowWriter writer) {
            return tracer == null ? writer : new TracedRowWriter(writer, tracer);
        }
    }
}
