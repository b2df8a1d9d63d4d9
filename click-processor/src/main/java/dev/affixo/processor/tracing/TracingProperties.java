package dev.affixo.processor.tracing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tracing (docs/tracing.md). application.yml maps these onto Spring Boot's own properties
 * ({@code management.tracing.sampling.probability}, {@code management.tracing.export.enabled}); the endpoint is
 * given to Boot's OTLP exporter by {@link TracingConfiguration}, since Boot would build an exporter for an empty one.
 *
 * @param enabled      false: no span is started and nothing exported
 * @param sampling     probability that a trace started here is sampled (the processor starts none of its own: a
 *                     click's write follows the sampled flag the API gave it)
 * @param otlpEndpoint OTLP/HTTP traces endpoint, e.g. {@code http://collector:4318/v1/traces}; unset: spans are
 *                     made for the sampled clicks (and their ids logged) but exported nowhere
 */
@ConfigurationProperties("affixo.tracing")
public record TracingProperties(@DefaultValue("true") boolean enabled, @DefaultValue("0.01") double sampling,
                                String otlpEndpoint) {

    public TracingProperties {
        if (sampling < 0 || sampling > 1) {
            throw new IllegalArgumentException("affixo.tracing.sampling must be within [0, 1], not " + sampling);
        }
        otlpEndpoint = otlpEndpoint == null || otlpEndpoint.isBlank() ? null : otlpEndpoint.strip();
    }
}
