package dev.affixo.processor.tracing;

import static dev.affixo.processor.Clicks.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.TopologyFixture;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.dedup.Classification;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.ClickRowSerde;
import dev.affixo.processor.sink.RowTrace;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The write of a sampled click is a span in that click's trace: its context comes in the record's headers (as the
 * ingest API writes them), crosses the repartition topic (matching re-keys every click by its canonical visitor) and
 * the pending-rows store, and reaches the batch write. The real topology in a TopologyTestDriver, the SDK with the
 * processor's sampler (Boot's parent-based ratio sampler, here at ratio 0: only the API's flag can sample) and an
 * in-memory exporter.
 */
class WriteSpanTopologyTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PRODUCER_SPAN = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(0.0)))
            .addSpanProcessor(SimpleSpanProcessor.create(spans))
            .build();

    @AfterEach
    void close() {
        provider.close();
    }

    private static Headers traceparent(String traceId, String flags) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", ("00-" + traceId + "-" + PRODUCER_SPAN + "-" + flags).getBytes(StandardCharsets.UTF_8));
        headers.add("tracestate", "merchant=abc".getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private List<SpanData> named(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    @Test
    void aSampledClicksWriteIsASpanOfItsTraceAndOtherClicksCostNoSpan() {
        try (TopologyFixture topology = new TopologyFixture(
                ProcessorProperties.defaults("clicks", "dead-letters", "write-span-test"),
                writer -> new TracedRowWriter(writer, provider.get("test")))) {
            sampledClickIsTraced(topology);
        }
    }

    private void sampledClickIsTraced(TopologyFixture topology) {
        // keyed by its fingerprint on the ingest partitioning: matching re-keys it by its canonical visitor, so it
        // crosses the repartition topic before the sink
        ClickEvent sampled = topology.send(Clicks.cookie(1, "v-traced", "fp-traced", 10, T0), traceparent(TRACE_ID, "01"));
        ClickEvent unsampled = topology.send(Clicks.cookie(1, "v-unsampled", null, 10, T0),
                traceparent("0af7651916cd43dd8448eb211c80319c", "00"));
        ClickEvent plain = topology.send(Clicks.anonymous(1, 10, T0));

        assertThat(topology.rows.clicks()).extracting(r -> r.event().eventId())
                .containsExactlyInAnyOrder(sampled.eventId(), unsampled.eventId(), plain.eventId());
        assertThat(topology.rows.click(sampled.eventId()).trace().traceparent())
                .isEqualTo("00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01");

        List<SpanData> stores = named("store click");
        List<SpanData> writes = named("write clicks");
        assertThat(spans.getFinishedSpanItems()).hasSize(2);
        assertThat(stores).hasSize(1);
        assertThat(writes).hasSize(1);
        SpanData store = stores.get(0);
        SpanData write = writes.get(0);
        assertThat(store.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(store.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
        assertThat(store.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(store.getAttributes().get(TracedRowWriter.EVENT_ID)).isEqualTo(sampled.eventId());
        assertThat(store.getAttributes().get(TracedRowWriter.CLASSIFICATION)).isEqualTo("unique");
        assertThat(store.getSpanContext().getTraceState().get("merchant")).isEqualTo("abc");
        assertThat(store.getLinks()).extracting(l -> l.getSpanContext().getSpanId()).containsExactly(write.getSpanId());
        assertThat(write.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(write.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
        assertThat(write.getAttributes().get(TracedRowWriter.SAMPLED_ROWS)).isEqualTo(1L);
        assertThat(store.getStartEpochNanos()).isLessThanOrEqualTo(write.getStartEpochNanos());
        assertThat(store.getEndEpochNanos()).isGreaterThanOrEqualTo(write.getEndEpochNanos());
    }

    @Test
    void theTraceOfAPendingRowSurvivesTheChangelogAndOlderReadersSkipIt() {
        ClickEvent event = Clicks.cookie(1, "v-1", null, 10, T0);
        ClickRow plain = ClickRow.of(event, "v-1", Classification.UNIQUE);
        ClickRow traced = plain.withTrace(new RowTrace("00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01", null, 1234L));
        ClickRowSerde serde = new ClickRowSerde();

        byte[] plainBytes = serde.serializer().serialize("t", plain);
        byte[] tracedBytes = serde.serializer().serialize("t", traced);

        assertThat(serde.deserializer().deserialize("t", tracedBytes).trace()).isEqualTo(traced.trace());
        assertThat(serde.deserializer().deserialize("t", plainBytes).trace()).isNull();
        // the trace is a trailer: an untraced row's frame is unchanged, and is what a reader built before it reads
        assertThat(Arrays.copyOf(tracedBytes, plainBytes.length)).isEqualTo(plainBytes);
    }
}
