package dev.affixo.processor.replay;

import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.ClickTopology;
import dev.affixo.processor.StreamsSettings;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.erasure.ErasureFeed;
import dev.affixo.processor.erasure.JdbiErasureFeed;
import dev.affixo.processor.sink.RowWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.jdbi.v3.core.Jdbi;

/**
 * Reprocesses the accepted-clicks topic with the current settings (e.g. a new dedup window) and rewrites
 * the rows of a time range in place.
 *
 * <p>It runs the live topology, unchanged, under a fresh application id ({@code <id>-replay-<millis>}):
 * fresh state stores and its own consumer group starting at the beginning of retention, so matching and
 * dedup are re-derived from the whole log and labels in the range are exactly what a full replay would
 * give. Only rows of clicks received in the range are written ({@link RangeRowWriter}); upserts by event
 * id change them in place, never add one. The live processor is not touched and ingest may go on: the
 * replay stops at the end offsets it saw when it started, and clicks after {@code --to} are left to the
 * live processor. At the end its consumer group, internal topics and local state are deleted.
 */
public final class Replay {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final int STABLE_CHECKS = 3;

    private final ProcessorProperties props;
    private final Map<String, Object> kafkaStreamsProperties;
    private final Jdbi jdbi;
    private final RowWriter writer;
    private final PrintStream out;
    private final Clock clock;
    private final ErasureFeed erasures;

    public Replay(ProcessorProperties props, Map<String, Object> kafkaStreamsProperties, Jdbi jdbi, RowWriter writer,
                  PrintStream out, Clock clock) {
        this(props, kafkaStreamsProperties, jdbi, writer, out, clock, new JdbiErasureFeed(jdbi));
    }

    /**
     * @param erasures the completed erasures matching and dedup decide by, as in the live processor (a test gives
     *                 one that learns of an erasure at another moment: no label may depend on it)
     */
    public Replay(ProcessorProperties props, Map<String, Object> kafkaStreamsProperties, Jdbi jdbi, RowWriter writer,
                  PrintStream out, Clock clock, ErasureFeed erasures) {
        this.erasures = erasures;
        this.props = props;
        this.kafkaStreamsProperties = kafkaStreamsProperties;
        this.jdbi = jdbi;
        this.writer = writer;
        this.out = out;
        this.clock = clock;
    }

    /** Returns the process exit code: 0 done (or planned, with --dry-run), 1 failed. */
    public int run(ReplayArguments args) throws InterruptedException {
        String replayId = props.applicationId() + "-replay-" + clock.millis();
        // The admin client gets the streams' own client settings (security, TLS, SASL), as the live processor's does:
        // built from the bootstrap servers alone it could not reach a secured cluster.
        try (Admin admin = Admin.create(new StreamsConfig(replayConfig(replayId, Path.of(".")))
                .getAdminConfigs(replayId + "-admin"))) {
            ReplayPlan plan = ReplayPlan.of(admin, jdbi, props, args.range());
            out.println(plan.describe(replayId));
            if (args.dryRun()) {
                out.println("dry run: nothing was written.");
                return 0;
            }
            Map<String, Long> before = plan.classifications();
            Path stateDir = Files.createTempDirectory("affixo-replay-");
            RangeRowWriter rangeWriter = new RangeRowWriter(writer, args.range());
            long start = System.nanoTime();
            // The erasures go in as in the live processor: matching and dedup decide by them (a click after an
            // erasure is not linked to the erased person), so a replay gives the labels the live run gave.
            ClickStreams streams = new ClickStreams(replayProperties(replayId), replayConfig(replayId, stateDir),
                    rangeWriter, null, ClickStreams.PARTITION_CHECK_INTERVAL, erasures);
            try {
                streams.start();
                awaitCaughtUp(admin, streams, replayId, plan.endOffsets());
            } finally {
                streams.close();
                cleanUp(admin, replayId, stateDir);
            }
            Map<String, Long> after = ReplayPlan.classifications(jdbi, args.range());
            out.printf("replay done in %.1f s: %d click rows rewritten in %s; unique %d -> %d, duplicate %d -> %d,"
                            + " bot %d -> %d%n",
                    (System.nanoTime() - start) / 1e9, rangeWriter.clicksWritten(), args.range(),
                    before.getOrDefault("unique", 0L), after.getOrDefault("unique", 0L),
                    before.getOrDefault("duplicate", 0L), after.getOrDefault("duplicate", 0L),
                    before.getOrDefault("bot", 0L), after.getOrDefault("bot", 0L));
            return 0;
        } catch (ExecutionException | IOException | RuntimeException e) {
            out.println("replay failed: " + e);
            return 1;
        }
    }

    private ProcessorProperties replayProperties(String replayId) {
        return props.with(Map.of("application-id", replayId));
    }

    private Properties replayConfig(String replayId, Path stateDir) {
        Properties config = StreamsSettings.build(replayProperties(replayId), kafkaStreamsProperties);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return config;
    }

    /**
     * Done when the replay's committed offsets reached, on the source topic, the end offsets seen at start
     * and, on its repartition topic, the current end — and stayed there for a few checks (a committed
     * offset may sit one short of the end, behind a transaction marker) — and no row is pending any more:
     * rows still pending live only in the changelogs that {@link #cleanUp} deletes.
     */
    private void awaitCaughtUp(Admin admin, ClickStreams streams, String replayId, Map<TopicPartition, Long> sourceEnd)
            throws ExecutionException, InterruptedException {
        String repartition = replayId + "-" + ClickTopology.BY_CANONICAL_VISITOR + "-repartition";
        Map<TopicPartition, Long> lastCommitted = Map.of();
        int stable = 0;
        long lastReport = 0;
        while (true) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("replay streams stopped in state " + state);
            }
            Map<TopicPartition, Long> committed = committed(admin, replayId);
            Map<TopicPartition, Long> targets = new HashMap<>(sourceEnd);
            // Streams creates its repartition topic when it starts; until then the replay has not begun.
            boolean started = admin.listTopics().names().get().contains(repartition);
            if (started) {
                targets.putAll(ReplayPlan.endOffsets(admin, ReplayPlan.partitions(admin, repartition)));
            }
            boolean reached = started && targets.entrySet().stream().allMatch(e ->
                    e.getValue() == 0 || committed.getOrDefault(e.getKey(), 0L) >= e.getValue() - 1)
                    && !streams.hasPendingRows();
            stable = reached && committed.equals(lastCommitted) ? stable + 1 : 0;
            if (stable >= STABLE_CHECKS) {
                return;
            }
            lastCommitted = committed;
            if (System.nanoTime() - lastReport > Duration.ofSeconds(10).toNanos()) {
                long done = sourceEnd.keySet().stream().mapToLong(p -> committed.getOrDefault(p, 0L)).sum();
                long total = sourceEnd.values().stream().mapToLong(Long::longValue).sum();
                out.printf("replaying: %d of %d source offsets committed%n", done, total);
                lastReport = System.nanoTime();
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String groupId)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get().entrySet()) {
            if (e.getValue() != null) {
                offsets.put(e.getKey(), e.getValue().offset());
            }
        }
        return offsets;
    }

    /** Removes everything the replay created: its internal topics, its consumer group, its local state. */
    private void cleanUp(Admin admin, String replayId, Path stateDir) {
        try {
            List<String> internal = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(replayId + "-")).toList();
            admin.deleteTopics(internal).all().get();
            admin.deleteConsumerGroups(List.of(replayId)).all().get();
        } catch (ExecutionException | RuntimeException e) {
            out.println("note: could not delete the replay's topics or group " + replayId + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
