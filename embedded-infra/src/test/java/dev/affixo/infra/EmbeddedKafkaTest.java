package dev.affixo.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaTest {

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
            kafka.close(); // idempotent
            assertThat(kafka.isRunning()).isFalse();
        }
    }

    @Test
    @Order(1)
    void produceAndConsume() throws Exception {
        assertThat(kafka.isRunning()).isTrue();
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        KafkaTestSupport.createTopic(kafka.bootstrapServers(), "clicks");
        KafkaTestSupport.send(kafka.bootstrapServers(), "clicks", "k1", "v1");
        assertThat(KafkaTestSupport.consume(kafka.bootstrapServers(), "clicks", "g1", 1)).containsExactly("v1");
    }

    @Test
    @Order(2)
    void transactionalProducerCommits() throws Exception {
        KafkaTestSupport.createTopic(kafka.bootstrapServers(), "tx-topic");
        try (KafkaProducer<String, String> p = KafkaTestSupport.producer(kafka.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1"))) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("tx-topic", "k", "aborted"));
            p.abortTransaction();
            p.beginTransaction();
            p.send(new ProducerRecord<>("tx-topic", "k", "committed"));
            p.commitTransaction();
        }
        assertThat(KafkaTestSupport.consume(kafka.bootstrapServers(), "tx-topic", "g-tx", 1))
                .containsExactly("committed");
    }

    @Test
    @Order(3)
    void stopMakesSendsFailAndRestartRecoversOnSamePortWithData() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        kafka.stop(); // no-op

        try (KafkaProducer<String, String> p = KafkaTestSupport.producer(bootstrap,
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000, ProducerConfig.LINGER_MS_CONFIG, 0))) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>("clicks", "k2", "lost")).get(10, TimeUnit.SECONDS))
                    .isNotNull();
        }

        kafka.restart();
        assertThat(kafka.isRunning()).isTrue();
        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
        KafkaTestSupport.send(bootstrap, "clicks", "k3", "v3");
        // new group reads from the beginning: data from before the restart is still there
        assertThat(KafkaTestSupport.consume(bootstrap, "clicks", "g2", 2)).containsExactly("v1", "v3");
        // the old group continues from its committed offset
        assertThat(KafkaTestSupport.consume(bootstrap, "clicks", "g1", 1)).containsExactly("v3");
    }

    @Test
    @Order(4)
    void longLivedProducerSurvivesSecondRestartCycle() throws Exception {
        try (KafkaProducer<String, String> p = KafkaTestSupport.producer(kafka.bootstrapServers(), Map.of())) {
            p.send(new ProducerRecord<>("clicks", "k4", "v4")).get(30, TimeUnit.SECONDS);
            kafka.stop();
            kafka.restart();
            p.send(new ProducerRecord<>("clicks", "k5", "v5")).get(30, TimeUnit.SECONDS);
        }
        assertThat(KafkaTestSupport.consume(kafka.bootstrapServers(), "clicks", "g1", 2)).containsExactly("v4", "v5");
    }

    @Test
    @Order(5)
    void freshInstanceOnSameLogDirKeepsData() throws Exception {
        kafka.close();
        assertThatThrownBy(kafka::restart).isInstanceOf(IllegalStateException.class);
        // like a second JVM run of the local launcher: same dir, new (random) ports
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        assertThat(KafkaTestSupport.consume(kafka.bootstrapServers(), "clicks", "g3", 4))
                .containsExactly("v1", "v3", "v4", "v5");
    }
}
