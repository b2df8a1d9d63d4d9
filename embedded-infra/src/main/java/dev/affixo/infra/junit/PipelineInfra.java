package dev.affixo.infra.junit;

import java.util.Map;

import javax.sql.DataSource;

import dev.affixo.infra.EmbeddedKafka;
import dev.affixo.infra.EmbeddedPostgres;

/**
 * The Kafka broker and PostgreSQL database the pipeline tests run against. One instance per JVM,
 * obtained as a JUnit parameter (with {@link WithPipelineInfra}) or via {@link PipelineInfraExtension#shared()}.
 * The backend (embedded or Testcontainers) is chosen by {@link InfraFactory}.
 */
public interface PipelineInfra {

    /** e.g. {@code 127.0.0.1:PORT}. */
    String bootstrapServers();

    /** JDBC URL of the {@code affixo} database. */
    String jdbcUrl();

    String dbUser();

    String dbPassword();

    /** A (non-pooling) DataSource to the {@code affixo} database. */
    DataSource dataSource();

    /**
     * The in-process broker (to stop/restart it in outage tests).
     * @throws UnsupportedOperationException on the Testcontainers backend
     */
    EmbeddedKafka kafka();

    /**
     * The embedded PostgreSQL server.
     * @throws UnsupportedOperationException on the Testcontainers backend
     */
    EmbeddedPostgres postgres();

    /** Which backend this is: {@code embedded} or {@code testcontainers}. */
    String backend();

    /**
     * {@code spring.kafka.bootstrap-servers}, {@code spring.datasource.url},
     * {@code spring.datasource.username}, {@code spring.datasource.password}.
     */
    default Map<String, String> springProperties() {
        return Map.of(
                "spring.kafka.bootstrap-servers", bootstrapServers(),
                "spring.datasource.url", jdbcUrl(),
                "spring.datasource.username", dbUser(),
                "spring.datasource.password", dbPassword());
    }
}
