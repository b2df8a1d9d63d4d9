package dev.affixo.processor.it;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.affixo.admin.topics.ClickTopics;
import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.verify.AcceptedClicks;
import dev.affixo.infra.verify.StoredClick;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.StreamsSettings;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.sink.JdbiRowWriter;
import dev.affixo.processor.sink.RowWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * One processor under test against the real broker and database: its own topics and application id, the
 * schema migrated, a pooled DataSource configured like production, and helpers to produce and count.
 * Each test uses its own workspace id, so rows of different tests never mix in the shared database.
 */
final class PipelineHarness implements AutoCloseable {

    static final int PARTITIONS = 3;

    final PipelineInfra infra;
    final ProcessorProperties props;
    final HikariDataSource dataSource;
    final Jdbi jdbi;
    private final KafkaProducer<String, byte[]> producer;
    private final List<ClickStreams> started = new ArrayList<>();
    private final List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> inFlight =
            new ArrayList<>();

    PipelineHarness(PipelineInfra infra, String name) {
        this.infra = infra;
        String suffix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.props = ProcessorProperties.bind(Map.of("accepted-topic", "it.clicks." + suffix,
                "dead-letter-topic", "it.dead-letters." + suffix, "application-id", "it-" + suffix));
        createTopics();
        Flyway.configure().dataSource(infra.jdbcUrl(), infra.dbUser(), infra.dbPassword())
                .locations("classpath:db/migration").load().migrate();
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(infra.jdbcUrl());
        pool.setUsername(infra.dbUser());
        pool.setPassword(infra.dbPassword());
        pool.setMaximumPoolSize(4);
        pool.setConnectionTimeout(2000); // as in application.yml
        this.dataSource = new HikariDataSource(pool);
        this.jdbi = Jdbi.create(dataSource);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** As an operator would, with the code of {@code affixo-admin topics create}: the processor creates no topic. */
    private void createTopics() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            ClickTopics topics = new ClickTopics(admin);
            topics.ensure(props.acceptedTopic(), PARTITIONS, (short) 1);
            topics.ensure(props.deadLetterTopic(), 1, (short) 1);
        }
    }

    /** Starts a processor writing through the real JDBI writer, optionally wrapped. */
    ClickStreams startProcessor(UnaryOperator<RowWriter> wrapWriter) {
        return startProcessor(props, wrapWriter);
    }

    /** Starts a processor with other settings (same topics and application id), writer optionally wrapped. */
    ClickStreams startProcessor(ProcessorProperties settings, UnaryOperator<RowWriter> wrapWriter) {
        return start(new ClickStreams(settings, streamsConfig(settings), wrapWriter.apply(new JdbiRowWriter(jdbi)),
                null));
    }

    /**
     * Starts a processor with other settings on this harness's topics, its partition guard checking every
     * {@code partitionCheckInterval}.
     * @throws IllegalStateException when the partition guard refuses the start
     */
    ClickStreams startProcessor(ProcessorProperties settings, Duration partitionCheckInterval) {
        return start(new ClickStreams(settings, streamsConfig(settings), new JdbiRowWriter(jdbi), null,
                partitionCheckInterval));
    }

    /**
     * Starts a processor that is a static member of the group under {@code instanceId}, as a StatefulSet pod is
     * under its name ({@code SPRING_KAFKA_STREAMS_PROPERTIES_GROUP_INSTANCE_ID}).
     */
    ClickStreams startStaticMember(String instanceId, ProcessorProperties settings, UnaryOperator<RowWriter> wrapWriter) {
        Properties config = streamsConfig(settings);
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        return start(new ClickStreams(settings, config, wrapWriter.apply(new JdbiRowWriter(jdbi)), null));
    }

    /** The {@code group.instance.id} of each member of the processors' consumer group now ("dynamic" if none). */
    List<String> groupMembers() {
        String group = props.applicationId();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                    .map(m -> m.groupInstanceId().orElse("dynamic")).sorted().toList();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This harness's topics and application id, with {@code overrides} (names as in configuration). */
    ProcessorProperties settings(Map<String, String> overrides) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("accepted-topic", props.acceptedTopic(),
                "dead-letter-topic", props.deadLetterTopic(), "application-id", props.applicationId()));
        all.putAll(overrides);
        return ProcessorProperties.bind(all);
    }

    private ClickStreams start(ClickStreams streams) {
        started.add(streams);
        streams.start();
        return streams;
    }

    private Properties streamsConfig(ProcessorProperties settings) {
        return StreamsSettings.build(settings, Map.of(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                StreamsConfig.STATE_DIR_CONFIG, tempDir(),
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100,
                StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000));
    }

    /** {@code p} with another write interval. */
    static ProcessorProperties withWriteInterval(ProcessorProperties p, Duration interval) {
        return p.with(Map.of("write-interval", interval.toString()));
    }

    ClickStreams startProcessor() {
        return startProcessor(UnaryOperator.identity());
    }

    /** Starts a processor whose matching and dedup purge (and decide by) the completed erasures of {@code feed}. */
    ClickStreams startProcessorWithErasures(dev.affixo.processor.erasure.ErasureFeed feed) {
        return start(new ClickStreams(props, streamsConfig(props), new JdbiRowWriter(jdbi), null,
                ClickStreams.PARTITION_CHECK_INTERVAL, feed));
    }

    void send(ClickEvent click) {
        sendRaw(click.recordKey(), ClickEventCodec.encode(click));
    }

    void sendRaw(String key, byte[] value) {
        inFlight.add(producer.send(new ProducerRecord<>(props.acceptedTopic(), key, value)));
    }

    /** To another topic (a grown copy of the accepted-clicks topic), keyed and encoded as the API does. */
    void sendTo(String topic, ClickEvent click) {
        inFlight.add(producer.send(new ProducerRecord<>(topic, click.recordKey(), ClickEventCodec.encode(click))));
    }

    /** Waits until every record sent so far is acknowledged; fails the test if one was not. */
    void flushProducer() {
        producer.flush();
        try {
            for (var ack : inFlight) {
                ack.get();
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("a test record was not accepted by Kafka", e);
        } finally {
            inFlight.clear();
        }
    }

    /**
     * True when everything sent so far is in PostgreSQL: offsets are committed to the end
     * ({@link #offsetsCommittedToEnd}) and no running processor holds pending rows — a committed offset only
     * means its rows are in PostgreSQL or in a pending-rows changelog.
     */
    boolean caughtUp() {
        return offsetsCommittedToEnd() && started.stream().noneMatch(ClickStreams::hasPendingRows);
    }

    /**
     * True when the processor has committed offsets up to the end of every accepted-clicks partition and
     * every partition of its repartition topic. The repartition topic is written transactionally, so its end
     * offset is one past the last commit marker.
     */
    boolean offsetsCommittedToEnd() {
        String repartition = props.applicationId() + "-" + dev.affixo.processor.ClickTopology.BY_CANONICAL_VISITOR
                + "-repartition";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            var committed = admin.listConsumerGroupOffsets(props.applicationId()).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(props.acceptedTopic(), p), OffsetSpec.latest());
                latest.put(new TopicPartition(repartition, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(e -> {
                long end = e.getValue().offset();
                long needed = e.getKey().topic().equals(repartition) ? end - 1 : end;
                var c = committed.get(e.getKey());
                return end == 0 || (c != null && c.offset() >= needed);
            });
        } catch (InterruptedException | ExecutionException e) {
            return false;
        }
    }

    long rows(long workspaceId) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from clicks where workspace_id = :ws")
                .bind("ws", workspaceId).mapTo(Long.class).one());
    }

    long count(String sql, long workspaceId) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("ws", workspaceId).mapTo(Long.class).one());
    }

    /** The accepted-clicks topic read back for one workspace, every copy, in per-partition order. */
    List<ClickEvent> accepted(long workspaceId) {
        return AcceptedClicks.read(infra.bootstrapServers(), props.acceptedTopic(), workspaceId);
    }

    /** Every stored row of the workspace, all compared columns: event id → row. */
    Map<String, StoredClick> stored(long workspaceId) {
        return StoredClick.readAll(jdbi, workspaceId);
    }

    /** {@link StoredClick#differences} between {@code expected} and the workspace's rows; empty when equal. */
    List<String> rowsDifferingFrom(Map<String, StoredClick> expected, long workspaceId) {
        return StoredClick.differences(expected, stored(workspaceId));
    }

    /** event id → "canonical visitor/classification" for every row of the workspace. */
    Map<String, String> labels(long workspaceId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select event_id::text as id, canonical_visitor_id || '/' || classification as label
                        from clicks where workspace_id = :ws""")
                .bind("ws", workspaceId)
                .setMapKeyColumn("id").setMapValueColumn("label")
                .collectInto(new org.jdbi.v3.core.generic.GenericType<Map<String, String>>() { }));
    }

    List<ConsumerRecord<String, byte[]>> deadLetters(int expected, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(props.deadLetterTopic()));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && records.size() < expected) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A little longer, to catch any unexpected extra dead letter.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            return records;
        }
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("click-processor-state-").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        started.forEach(ClickStreams::close);
        producer.close(Duration.ofSeconds(5));
        dataSource.close();
    }
}
