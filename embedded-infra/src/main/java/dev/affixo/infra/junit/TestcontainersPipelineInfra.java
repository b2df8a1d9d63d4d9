package dev.affixo.infra.junit;

import javax.sql.DataSource;

import dev.affixo.infra.EmbeddedKafka;
import dev.affixo.infra.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Docker-based backend ({@code -Daffixo.test.infra=testcontainers}); needs a Docker engine. */
final class TestcontainersPipelineInfra implements ManagedInfra {

    static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    static final String POSTGRES_IMAGE = "postgres:17";

    private final KafkaContainer kafka;
    private final PostgreSQLContainer postgres;
    private final PGSimpleDataSource dataSource;
    private boolean closed;

    private TestcontainersPipelineInfra(KafkaContainer kafka, PostgreSQLContainer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.dataSource = new PGSimpleDataSource();
        dataSource.setURL(postgres.getJdbcUrl());
        dataSource.setUser(postgres.getUsername());
        dataSource.setPassword(postgres.getPassword());
    }

    static TestcontainersPipelineInfra start() {
        KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_NUM_PARTITIONS", "1")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
        PostgreSQLContainer postgres = new PostgreSQLContainer(POSTGRES_IMAGE)
                .withDatabaseName("affixo")
                .withUsername("postgres")
                .withPassword("postgres");
        try {
            kafka.start();
            postgres.start();
        } catch (RuntimeException e) {
            kafka.stop();
            postgres.stop();
            throw e;
        }
        return new TestcontainersPipelineInfra(kafka, postgres);
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String jdbcUrl() {
        return postgres.getJdbcUrl();
    }

    @Override
    public String dbUser() {
        return postgres.getUsername();
    }

    @Override
    public String dbPassword() {
        return postgres.getPassword();
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public EmbeddedKafka kafka() {
        throw new UnsupportedOperationException(
                "kafka() (stop/restart of the broker) is only available with " + InfraFactory.PROPERTY + "=embedded");
    }

    @Override
    public EmbeddedPostgres postgres() {
        throw new UnsupportedOperationException(
                "postgres() is only available with " + InfraFactory.PROPERTY + "=embedded");
    }

    @Override
    public String backend() {
        return InfraFactory.TESTCONTAINERS;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        kafka.stop();
        postgres.stop();
    }
}
