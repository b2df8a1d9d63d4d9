package dev.affixo.processor;

import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.deadletter.DeadLetterMetrics;
import dev.affixo.processor.deadletter.DeadLetterRecords;
import dev.affixo.processor.deadletter.StepResult;
import dev.affixo.processor.dedup.DedupStep;
import dev.affixo.processor.dedup.RedeliveryStep;
import dev.affixo.processor.dedup.VisitorLinkKeySerde;
import dev.affixo.processor.matching.AliasSerde;
import dev.affixo.processor.erasure.ErasureFeed;
import dev.affixo.processor.matching.MatchStep;
import dev.affixo.processor.sink.AliasRowSerde;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.ClickRowSerde;
import dev.affixo.processor.sink.RowWriter;
import dev.affixo.processor.sink.SinkStep;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/** The click-processor's Kafka Streams topology: decode → match → repartition → dedup → sink. */
public final class ClickTopology {

    /** fingerprint key ({@code <ws>:f:<fingerprint>}) → {@code Alias} (updated_at, visitor id), {@code AliasSerde}. */
    public static final String FINGERPRINT_ALIASES = "fingerprint-aliases";
    /** Window store, timed by received_at: event id → 64-bit hash of the request it first came with. */
    public static final String SEEN_EVENT_IDS = "seen-event-ids";
    /** Window store, timed by received_at: (workspace, canonical visitor, link) → event id of a unique click. */
    public static final String UNIQUE_ANCHORS = "unique-anchors";
    /** fingerprint key → alias row not yet in PostgreSQL (matching sub-topology), changelogged. */
    public static final String PENDING_ALIAS_ROWS = "pending-alias-rows";
    /** event id → click row not yet in PostgreSQL (dedup/sink sub-topology), changelogged. */
    public static final String PENDING_CLICK_ROWS = "pending-click-rows";
    /** Name of the internal repartition topic: {@code <application id>-by-canonical-visitor-repartition}. */
    public static final String BY_CANONICAL_VISITOR = "by-canonical-visitor";

    /**
     * Changelog of a pending-rows store: every row is put and soon deleted, so the topic is almost all tombstones.
     * Small segments let compaction clean it; tombstones stay an hour, long enough for a lagging standby.
     */
    static final Map<String, String> PENDING_CHANGELOG = Map.of(
            "segment.ms", "600000",
            "min.cleanable.dirty.ratio", "0.1",
            "delete.retention.ms", "3600000");

    private final ProcessorProperties props;
    private final RowWriter writer;
    private final Clock clock;
    private final DeadLetterMetrics deadLetterMetrics;
    private final ErasureFeed erasures;

    public ClickTopology(ProcessorProperties props, RowWriter writer, Clock clock,
                         DeadLetterMetrics deadLetterMetrics) {
        this(props, writer, clock, deadLetterMetrics, ErasureFeed.NONE);
    }

    /** @param erasures completed erasures, whose identities matching and dedup purge from their state (docs/privacy.md) */
    public ClickTopology(ProcessorProperties props, RowWriter writer, Clock clock,
                         DeadLetterMetrics deadLetterMetrics, ErasureFeed erasures) {
        this.erasures = erasures;
        this.props = props;
        this.writer = writer;
        this.clock = clock;
        this.deadLetterMetrics = deadLetterMetrics;
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        addStores(builder);

        KStream<String, byte[]> accepted = builder.stream(props.acceptedTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("accepted-clicks"));

        // 1. Bytes → event. Anything unreadable leaves here as a dead letter; the stream goes on.
        KStream<String, InFlightClick> decoded = divertDeadLetters(DecodeStep.STEP,
                accepted.processValues(DecodeStep::new, Named.as(DecodeStep.STEP)));

        // 2. Drop redeliveries where every copy of a request meets: its record key is made of the request.
        KStream<String, InFlightClick> firstCopies = divertDeadLetters(RedeliveryStep.STEP,
                decoded.processValues(() -> new RedeliveryStep(SEEN_EVENT_IDS), Named.as(RedeliveryStep.STEP),
                        SEEN_EVENT_IDS));

        // 3. Canonical visitor, on the ingest partitioning (all clicks of one fingerprint on one partition).
        KStream<String, InFlightClick> matched = divertDeadLetters(MatchStep.STEP,
                firstCopies.process(() -> new MatchStep(FINGERPRINT_ALIASES, PENDING_ALIAS_ROWS, writer,
                                props.maxBatchRows(), props.writeInterval(), erasures),
                        Named.as(MatchStep.STEP), FINGERPRINT_ALIASES, PENDING_ALIAS_ROWS));

        // 4. All clicks of one canonical visitor on one partition, so dedup sees all of them.
        KStream<String, InFlightClick> byVisitor = matched.repartition(
                Repartitioned.with(Serdes.String(), new InFlightClickSerde()).withName(BY_CANONICAL_VISITOR));

        // 5. Label repeats unique/duplicate.
        KStream<String, ClickRow> labelled = divertDeadLetters(DedupStep.STEP,
                byVisitor.processValues(() -> new DedupStep(UNIQUE_ANCHORS, props.dedupWindow(), erasures),
                        Named.as(DedupStep.STEP), UNIQUE_ANCHORS));

        // 6. Rows to PostgreSQL: kept in a changelogged store, written by a punctuator, forgotten once stored.
        //    What the write refuses (an event id stored with another body) comes back out as dead letters.
        toDeadLetterTopic(SinkStep.STEP, labelled.process(() -> new SinkStep(PENDING_CLICK_ROWS, writer,
                        props.maxBatchRows(), props.writeInterval()),
                Named.as(SinkStep.STEP), PENDING_CLICK_ROWS));

        return builder.build();
    }

    private void addStores(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(FINGERPRINT_ALIASES), Serdes.String(), new AliasSerde()));
        // Window stores timed by received_at: whole segments expire, no scan. Caching off: lookups are iterator
        // seeks, and nothing is forwarded from these stores. An anchor lives a window plus the redelivery horizon,
        // so a click up to that horizon late still finds the anchor that makes it a duplicate.
        Duration seen = props.seenEventRetention();
        Duration anchors = props.dedupWindow().plus(seen);
        builder.addStateStore(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(SEEN_EVENT_IDS, seen, Duration.ofMillis(1), false),
                        new EventIdSerde(), Serdes.Long())
                .withCachingDisabled().withLoggingEnabled(windowChangelog(seen)));
        builder.addStateStore(Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(UNIQUE_ANCHORS, anchors, props.dedupWindow(), false),
                        new VisitorLinkKeySerde(), new EventIdSerde())
                .withCachingDisabled().withLoggingEnabled(windowChangelog(anchors)));
        // In memory: they hold one write interval of rows, and each row is put and deleted once, which on
        // RocksDB would leave tombstones that slow every all(). Cached, so a row put and deleted between two
        // commits (the usual case: the punctuator writes, then requests the commit) costs the changelog one
        // tombstone and no put record.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(PENDING_ALIAS_ROWS), Serdes.String(), new AliasRowSerde())
                .withCachingEnabled().withLoggingEnabled(PENDING_CHANGELOG));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(PENDING_CLICK_ROWS), new EventIdSerde(), new ClickRowSerde())
                .withCachingEnabled().withLoggingEnabled(PENDING_CHANGELOG));
    }

    /**
     * Changelog of a window store: the broker keeps it a little longer than the store (a set retention.ms wins over
     * Streams' own retention + 1 day), and rolls segments often enough that the restore after a crash reads about
     * one retention of records, not the 7 days of the broker's default roll. Its records are timed when the broker
     * appends them: they would otherwise carry the input's timestamps, which are hours old for a processor
     * catching up and weeks old in a replay, and the broker would delete state the store still needs before a
     * restore could read it. (Restoring a window store reads the time from the key, not the record timestamp.)
     */
    static Map<String, String> windowChangelog(Duration retention) {
        return Map.of(
                "retention.ms", String.valueOf(retention.plusHours(1).toMillis()),
                "segment.ms", String.valueOf(Math.max(retention.toMillis() / 4, 600_000)),
                "message.timestamp.type", "LogAppendTime");
    }

    private <T> void toDeadLetterTopic(String step, KStream<String, StepResult<T>> failures) {
        failures.processValues(() -> new DeadLetterRecords<T>(clock, deadLetterMetrics), Named.as(step + "-dead-letter"))
                .to(props.deadLetterTopic(),
                        Produced.with(Serdes.String(), Serdes.ByteArray()).withName(step + "-to-dead-letters"));
    }

    /** Sends a step's failures to the dead-letter topic and returns the stream of its successes. */
    private <T> KStream<String, T> divertDeadLetters(String step, KStream<String, StepResult<T>> results) {
        Map<String, KStream<String, StepResult<T>>> branches = results.split(Named.as(step + "-"))
                .branch((key, result) -> result instanceof StepResult.Failed<T>, Branched.as("failed"))
                .defaultBranch(Branched.as("ok"));
        toDeadLetterTopic(step, branches.get(step + "-failed"));
        return branches.get(step + "-ok")
                .mapValues(result -> ((StepResult.Ok<T>) result).value(), Named.as(step + "-ok-value"));
    }
}
