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
 * PostgreSQL, so this is "accepted clicks not yet stored". Exported as {@code affixo_processor_lag_records}
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
    private final long behindThreshold;
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

    public LagMonitor(Map<String, Object> adminConfig, ProcessorProperties props, MeterRegistry registry) {
        this.admin = Admin.create(adminConfig);
        this.registry = registry;
        this.topic = props.acceptedTopic();
        this.groupId = props.applicationId();
        this.behindThreshold = Math.max(1, props.maxBatchRows());
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

    private long measure() throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> end = admin.listOffsets(
                        partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        long total = 0;
        for (TopicPartition p : partitions) {
            OffsetAndMetadata c = committed.get(p);
            long behind = Math.max(0, end.get(p) - (c == null ? 0 : c.offset()));
            gaugeOf(p.partition()).set(behind);
            total += behind;
        }
        return total;
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
