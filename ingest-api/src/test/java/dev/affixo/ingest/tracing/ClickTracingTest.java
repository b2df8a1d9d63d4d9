package dev.affixo.ingest.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The API's sampling decision and what it puts on the record, against OpenTelemetry's SDK with the sampler the
 * service configures ({@link TracingConfiguration}) and an in-memory exporter. The record headers on the real topic
 * are checked by TrackClickContractTest and TrackClicksBatchContractTest.
 */
class ClickTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String MERCHANT_SPAN = "00f067aa0ba902b7";
    private static final String TOPIC = "affixo.clicks.accepted";

    private InMemorySpanExporter spans;
    private SdkTracerProvider provider;

    @AfterEach
    void close() {
        if (provider != null) {
            provider.close();
            provider = null;
        }
    }

    /** The service's set-up: Boot's parent-based ratio sampler with the API's own draw at the root. */
    private ClickTracing tracing(double sampling) {
        close(); // closing the provider stops its exporter: each set-up gets both anew
        spans = InMemorySpanExporter.create();
        provider = SdkTracerProvider.builder()
                .setSampler(Sampler.parentBased(new DrawnRootSampler(Sampler.traceIdRatioBased(sampling))))
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build();
        return new ClickTracing(provider.get("test"), sampling);
    }

    private static ServerRequest request(String traceparent, String tracestate) {
        MockServerHttpRequest.BaseBuilder<?> http = MockServerHttpRequest.post("/v1/track/click");
        if (traceparent != null) {
            http.header("traceparent", traceparent);
        }
        if (tracestate != null) {
            http.header("tracestate", tracestate);
        }
        return ServerRequest.create(MockServerWebExchange.from(http), HandlerStrategies.withDefaults().messageReaders());
    }

    /** Publishes one click under {@code span} and answers 200, as the handlers do; the record's headers. */
    private static Headers publishAndAnswer(RequestSpan span) {
        PublishSpan send = span.publishing(TOPIC, "event-1");
        Headers headers = new RecordHeaders(send.headers()); // as the producer makes of them
        send.acknowledged(new RecordMetadata(new TopicPartition(TOPIC, 3), 42, 0, 0, 0, 0), null);
        span.endWhenAnswered(ServerResponse.ok().build()).block();
        return headers;
    }

    private static String value(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private SpanData finished(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aSampledTraceparentIsJoinedEvenAtSamplingZeroAndTheRecordNamesTheProducerSpanAsParent() {
        RequestSpan span = tracing(0.0).begin(request("00-" + TRACE_ID + "-" + MERCHANT_SPAN + "-01", "merchant=abc"),
                "req-1");
        assertThat(span.traced()).isTrue();

        Headers headers = publishAndAnswer(span);

        SpanData server = finished("POST /v1/track/click");
        SpanData send = finished("send " + TOPIC);
        assertThat(spans.getFinishedSpanItems()).hasSize(2);
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(server.getParentSpanId()).isEqualTo(MERCHANT_SPAN);
        assertThat(server.getAttributes().get(RequestSpan.HTTP_STATUS)).isEqualTo(200L);
        assertThat(server.getAttributes().get(ClickTracing.REQUEST_ID)).isEqualTo("req-1");
        assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(send.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(send.getAttributes().get(PublishSpan.EVENT_ID)).isEqualTo("event-1");
        assertThat(send.getAttributes().get(PublishSpan.OFFSET)).isEqualTo(42L);
        // same trace, a new parent (the API's producer span), still sampled; the merchant's trace state kept
        assertThat(value(headers, "traceparent")).isEqualTo("00-" + TRACE_ID + "-" + send.getSpanId() + "-01");
        assertThat(value(headers, "tracestate")).isEqualTo("merchant=abc");
    }

    @Test
    void anUnsampledTraceparentIsRespectedEvenAtSamplingOne() {
        RequestSpan span = tracing(1.0).begin(request("00-" + TRACE_ID + "-" + MERCHANT_SPAN + "-00", null), "req-2");

        assertThat(span).isSameAs(RequestSpan.NONE);
        assertThat(span.publishing(TOPIC, "event-2")).isNull(); // the record goes without any header
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void withoutATraceparentSamplingOneStartsATraceAndSamplingZeroNone() {
        assertThat(tracing(0.0).begin(request(null, null), "req-3")).isSameAs(RequestSpan.NONE);

        RequestSpan span = tracing(1.0).begin(request(null, null), "req-4");
        Headers headers = publishAndAnswer(span);

        SpanData server = finished("POST /v1/track/click");
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        assertThat(server.getTraceId()).isNotEqualTo(TRACE_ID);
        assertThat(value(headers, "traceparent"))
                .isEqualTo("00-" + server.getTraceId() + "-" + finished("send " + TOPIC).getSpanId() + "-01");
        assertThat(headers.lastHeader("tracestate")).isNull();
    }

    @Test
    void aMalformedTraceparentIsIgnoredAsIfAbsent() {
        String upperCase = "00-" + TRACE_ID.toUpperCase() + "-" + MERCHANT_SPAN + "-01";
        assertThat(tracing(0.0).begin(request(upperCase, null), "req-5")).isSameAs(RequestSpan.NONE);

        RequestSpan span = tracing(1.0).begin(request("00-" + "0".repeat(32) + "-" + MERCHANT_SPAN + "-01", null),
                "req-6");
        publishAndAnswer(span);
        assertThat(finished("POST /v1/track/click").getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void disabledTracingLooksAtNothing() {
        assertThat(ClickTracing.OFF.begin(request("00-" + TRACE_ID + "-" + MERCHANT_SPAN + "-01", null), "req-7"))
                .isSameAs(RequestSpan.NONE);
    }

    @Test
    void otherRootsKeepTheRatioSampler() {
        tracing(0.0);
        provider.get("test").spanBuilder("scheduled task").startSpan().end();
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
