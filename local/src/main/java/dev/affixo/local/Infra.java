package dev.affixo.local;

import dev.affixo.infra.EmbeddedKafka;
import dev.affixo.infra.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka and PostgreSQL for the stack: in-process KRaft broker under {@code DIR/kafka} and zonky
 * PostgreSQL 17 under {@code DIR/pg}, on ports remembered in the data dir — or external ones when
 * {@code KAFKA_BOOTSTRAP_SERVERS} / {@code DATABASE_URL} are set.
 */
final class Infra implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Infra.class);

    final String bootstrapServers;
    final String databaseUrl;
    final String databaseUser;
    final String databasePassword;
    private final EmbeddedKafka kafka;
    private final EmbeddedPostgres postgres;

    private Infra(String bootstrapServers, String databaseUrl, String databaseUser, String databasePassword,
                  EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        this.bootstrapServers = bootstrapServers;
        this.databaseUrl = databaseUrl;
        this.databaseUser = databaseUser;
        this.databasePassword = databasePassword;
        this.kafka = kafka;
        this.postgres = postgres;
    }

    static Infra start(Path dataDir, StackState state, Map<String, String> env) {
        String externalKafka = blankToNull(env.get("KAFKA_BOOTSTRAP_SERVERS"));
        String externalDb = blankToNull(env.get("DATABASE_URL"));

        // PostgreSQL is a child process and Kafka runs in this JVM: start them side by side
        CompletableFuture<EmbeddedPostgres> pg = externalDb != null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(dataDir.resolve("pg"), state.port("postgres")));
        EmbeddedKafka kafka = null;
        try {
            if (externalKafka == null) {
                kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), state.port("kafka"));
                state.port("kafka", kafka.port());
            } else {
                LOG.info("Using external Kafka at {} (KAFKA_BOOTSTRAP_SERVERS)", externalKafka);
            }
            EmbeddedPostgres postgres = pg.join();
            if (postgres != null) {
                state.port("postgres", postgres.port());
                return new Infra(kafka != null ? kafka.bootstrapServers() : externalKafka,
                        postgres.jdbcUrl(), postgres.user(), postgres.password(), kafka, postgres);
            }
            LOG.info("Using external PostgreSQL at {} (DATABASE_URL)", externalDb);
            return new Infra(kafka != null ? kafka.bootstrapServers() : externalKafka, externalDb,
                    env.get("DATABASE_USER"), env.get("DATABASE_PASSWORD"), kafka, null);
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            pg.thenAccept(p -> {
                if (p != null) {
                    p.close();
                }
            });
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    boolean embeddedKafka() {
        return kafka != null;
    }

    boolean embeddedPostgres() {
        return postgres != null;
    }

    /** Kafka first (it has nothing to flush to PostgreSQL), then PostgreSQL. */
    @Override
    public void close() {
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                LOG.warn("Error stopping Kafka", e);
            }
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (RuntimeException e) {
                LOG.warn("Error stopping PostgreSQL", e);
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
