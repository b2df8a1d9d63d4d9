package dev.affixo.ingest.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * The root sampler of the API's OpenTelemetry SDK: a root span whose parent context says the API already drew for
 * it ({@link ClickTracing}) is sampled — the draw had the configured probability — and any other root (a scheduled
 * task's, say) is left to {@code otherwise}, the trace-id ratio sampler Spring Boot would have used.
 */
final class DrawnRootSampler implements Sampler {

    private final Sampler otherwise;

    DrawnRootSampler(Sampler otherwise) {
        this.otherwise = otherwise;
    }

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                                       Attributes attributes, List<LinkData> parentLinks) {
        if (Boolean.TRUE.equals(parentContext.get(ClickTracing.ROOT_DRAWN))) {
            return SamplingResult.recordAndSample();
        }
        return otherwise.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return "DrawnRootSampler{otherwise=" + otherwise.getDescription() + "}";
    }
}
