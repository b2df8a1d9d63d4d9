package dev.affixo.processor.lag;

import dev.affixo.processor.config.ProcessorProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * How far the processors (all instances of the application id) are behind the accepted-clicks topic,
 * measured as end offset minus committed offset — and offsets are committed only after their rows are in
 * PostgreSQL, so this is "accepted clicks not yet stored". A partition without a committed offset counts from
 * where the group will start it ({@link StartingOffset}: with {@code latest}, nothing; with {@code earliest}, the
 * log start offset — not 0, which counted records retention had long deleted, and a processor started at the
 * end reported "behind: 1 085 381"). Exported as {@code affixo_processor_lag_records}
 * (all partitions) and {@code affixo_processor_partition_lag_records{partition}} (one series per partition,
 * so a stuck partition shows even while the others drain); logged when a backlog builds up and again when
 * it has been drained, with how long that took.
 */
public final class LagMonitor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);
    private static final Duration EVERY = Duration.ofSeconds(5);

    private final Admin admin;
    private final String topic;
    private final String groupId;
    private final StartingOffset startingOffset;
    private final LagEpisodes episodes;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lag-monitor");
        t.setDaemon(true);
        return t;
    });
    private final Timer catchUp;
    private final MeterRegistry registry;
    private final Map<Integer, AtomicLong> partitionLag = new ConcurrentHashMap<>();
    private volatile long lag;
    private volatile boolean running;

    /** @param streamsConfig the processor's Kafka Streams configuration, for its {@code auto.offset.reset} */
    public LagMonitor(Map<String, Object> adminConfig, ProcessorProperties props, Map<?, ?> streamsConfig,
                      MeterRegistry registry) {
        this(Admin.create(adminConfig), props.acceptedTopic(), props.applicationId(), StartingOffset.of(streamsConfig),
                Math.max(1, props.maxBatchRows()), registry);
    }

    LagMonitor(Admin admin, String topic, String groupId, StartingOffset startingOffset, long behindThreshold,
               MeterRegistry registry) {
        this.admin = admin;
        this.registry = registry;
        this.topic = topic;
        this.groupId = groupId;
        this.startingOffset = startingOffset;
        this.episodes = new LagEpisodes(behindThreshold);
        this.catchUp = Timer.builder("affixo.processor.catch.up")
                .description("How long each backlog took to drain, from reaching the threshold to (almost) no lag")
                .register(registry);
        Gauge.builder("affixo.processor.lag.records", this, m -> m.lag)
                .description("Accepted clicks not yet stored: end offset minus committed offset, all partitions")
                .register(registry);
    }

    @Override
    public void start() {
        scheduler.scheduleWithFixedDelay(this::measureSafely, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(2));
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void measureSafely() {
        try {
            lag = measure();
            long drainedBefore = episodes.lastDrainNanos();
            String line = episodes.observe(lag, System.nanoTime());
            if (line != null) {
                log.info(line);
            }
            if (episodes.lastDrainNanos() != drainedBefore) {
                catchUp.record(episodes.lastDrainNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (Exception e) {
            log.debug("lag not measured: {}", e.toString());
        }
    }

    /** Sets every partition's gauge and returns the total. */
    long measure() throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> end = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> logStart = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> byTimestamp = startingOffset.kind() == StartingOffset.Kind.BY_DURATION
                ? offsets(partitions, OffsetSpec.forTimestamp(System.currentTimeMillis() - startingOffset.lookBack().toMillis()))
                : Map.of();
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        long total = 0;
        for (TopicPartition p : partitions) {
            OffsetAndMetadata c = committed.get(p);
            Long found = byTimestamp.get(p);
            long behind = startingOffset.behind(c == null ? null : c.offset(), logStart.get(p), end.get(p),
                    found == null || found < 0 ? null : found);
            gaugeOf(p.partition()).set(behind);
            total += behind;
        }
        return total;
    }

    /** read_committed: the end is the last stable offset, which is as far as the processor can read. */
    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private AtomicLong gaugeOf(int partition) {
        return partitionLag.computeIfAbsent(partition, p -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("affixo.processor.partition.lag.records", value, AtomicLong::get)
                    .description("Accepted clicks not yet stored on one partition of the accepted-clicks topic")
                    .tag("partition", Integer.toString(p))
                    .register(registry);
            return value;
        });
    }
}
