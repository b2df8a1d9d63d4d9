package dev.affixo.local;

import dev.affixo.infra.EmbeddedPostgres;
import dev.affixo.infra.FreePorts;
import dev.affixo.infra.process.KafkaBrokerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka and PostgreSQL for the stack: a KRaft broker under {@code DIR/kafka} in a JVM of its own with the
 * benchmark's settings ({@link KafkaBrokerProcess}) and zonky PostgreSQL 17 under {@code DIR/pg}, on ports remembered in
 * the data dir — or external ones when {@code KAFKA_BOOTSTRAP_SERVERS} / {@code DATABASE_URL} are set.
 */
final class Infra implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Infra.class);

    final String bootstrapServers;
    final String databaseUrl;
    final String databaseUser;
    final String databasePassword;
    private static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(120);

    private final KafkaBrokerProcess kafka;
    private final EmbeddedPostgres postgres;

    private Infra(String bootstrapServers, String databaseUrl, String databaseUser, String databasePassword,
                  KafkaBrokerProcess kafka, EmbeddedPostgres postgres) {
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

        // Both are child processes: start them side by side
        CompletableFuture<EmbeddedPostgres> pg = externalDb != null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(dataDir.resolve("pg"), state.port("postgres")));
        KafkaBrokerProcess kafka = null;
        try {
            if (externalKafka == null) {
                int port = state.port("kafka") != 0 ? state.port("kafka") : FreePorts.pick();
                kafka = startBroker(dataDir, port);
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
                closeQuietly(kafka);
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
            closeQuietly(kafka);
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (RuntimeException e) {
                LOG.warn("Error stopping PostgreSQL", e);
            }
        }
    }

    /** The broker's log goes where the services' do: {@code DIR/logs/kafka.log}. */
    private static KafkaBrokerProcess startBroker(Path dataDir, int port) {
        try {
            // the launcher's own classpath holds embedded-infra: the child runs KafkaBrokerProcess's main
            List<String> launch = List.of("-cp", System.getProperty("java.class.path"),
                    KafkaBrokerProcess.class.getName(), dataDir.resolve("kafka").toAbsolutePath().toString(),
                    Integer.toString(port));
            return KafkaBrokerProcess.start("kafka", launch, List.of(), port, dataDir.resolve("logs"),
                    BROKER_READY_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Kafka", e);
        }
    }

    private static void closeQuietly(KafkaBrokerProcess kafka) {
        try {
            kafka.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Error stopping Kafka", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
