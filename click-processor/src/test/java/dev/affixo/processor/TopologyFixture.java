package dev.affixo.processor;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.deadletter.DeadLetterMetrics;
import dev.affixo.processor.sink.RowWriter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology in a {@link TopologyTestDriver}, with {@link RecordingRowWriter} behind the sink and its
 * meters in a plain in-memory registry. {@link #send} lets one write interval of wall-clock time pass after each
 * record, so its rows are written before the test looks; {@link #sendUnwritten} does not.
 */
public final class TopologyFixture implements AutoCloseable {

    public static final Instant NOW = Instant.parse("2026-03-02T00:00:00Z");

    public final RecordingRowWriter rows = new RecordingRowWriter();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ProcessorProperties props;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> accepted;
    private final TestOutputTopic<String, byte[]> deadLetters;

    public TopologyFixture() {
        this(ProcessorProperties.defaults("clicks", "dead-letters", "topology-test"));
    }

    public TopologyFixture(ProcessorProperties props) {
        this(props, UnaryOperator.identity());
    }

    /** With {@code wrapWriter} between the topology and {@link #rows} (e.g. a writer that fails on demand). */
    public TopologyFixture(ProcessorProperties props, UnaryOperator<RowWriter> wrapWriter) {
        this.props = props;
        var topology = new ClickTopology(props, wrapWriter.apply(rows), Clock.fixed(NOW, ZoneOffset.UTC),
                DeadLetterMetrics.of(meters)).build();
        driver = new TopologyTestDriver(topology,
                StreamsSettings.build(props, Map.of("bootstrap.servers", "unused:9092")));
        accepted = driver.createInputTopic(props.acceptedTopic(), new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(props.deadLetterTopic(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    /**
     * Publishes the click the way the ingest API does (keyed by its record key, timestamped when received), then
     * lets the pending rows be written.
     */
    public ClickEvent send(ClickEvent click) {
        return send(click, click.receivedAt());
    }

    /** Publishes the click with a record timestamp other than its received_at, then lets the rows be written. */
    public ClickEvent send(ClickEvent click, Instant recordTimestamp) {
        accepted.pipeInput(click.recordKey(), Clicks.bytes(click), recordTimestamp);
        writePendingRows();
        return click;
    }

    /** Publishes the click with these record headers (e.g. the API's {@code traceparent}), then lets the rows be written. */
    public ClickEvent send(ClickEvent click, org.apache.kafka.common.header.Headers headers) {
        accepted.pipeInput(new TestRecord<>(click.recordKey(), Clicks.bytes(click), headers, click.receivedAt()));
        writePendingRows();
        return click;
    }

    /** Publishes the click and leaves its rows pending: no wall-clock time passes. */
    public ClickEvent sendUnwritten(ClickEvent click) {
        accepted.pipeInput(click.recordKey(), Clicks.bytes(click), click.receivedAt());
        return click;
    }

    public void sendRaw(String key, byte[] value) {
        accepted.pipeInput(key, value, NOW);
        writePendingRows();
    }

    /** Lets one write interval pass, so the pending-rows punctuators run. */
    public void writePendingRows() {
        driver.advanceWallClockTime(props.writeInterval());
    }

    public ProcessorProperties props() {
        return props;
    }

    /** Lets wall-clock punctuations run, as if {@code by} passed. */
    public void advanceWallClock(java.time.Duration by) {
        driver.advanceWallClockTime(by);
    }

    public List<TestRecord<String, byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    /** A state store of the running topology, to plant what a test needs (e.g. corrupt state). */
    public <K, V> KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /**
     * Puts bytes no serde of the store would write (corrupt state) under {@code key}, below the store's typed
     * layer. Test-only use of Kafka's {@code WrappedStateStore}: main code must not touch internals.
     */
    @SuppressWarnings("unchecked")
    public void plantRawValue(String name, byte[] key, byte[] value) {
        var typed = (org.apache.kafka.streams.state.internals.WrappedStateStore<
                KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>, ?, ?>) (Object) driver.getKeyValueStore(name);
        typed.wrapped().put(org.apache.kafka.common.utils.Bytes.wrap(key), value);
    }

    @Override
    public void close() {
        driver.close();
    }
}
