package dev.affixo.infra.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.affixo.infra.EmbeddedKafka;
import dev.affixo.infra.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** In-process KRaft Kafka + zonky PostgreSQL in a fresh temp directory (deleted on close). */
final class EmbeddedPipelineInfra implements ManagedInfra {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPipelineInfra.class);

    private final Path baseDir;
    private final EmbeddedKafka kafka;
    private final EmbeddedPostgres postgres;
    private boolean closed;

    private EmbeddedPipelineInfra(Path baseDir, EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        this.baseDir = baseDir;
        this.kafka = kafka;
        this.postgres = postgres;
    }

    static EmbeddedPipelineInfra start() {
        Path base;
        try {
            base = Files.createTempDirectory("affixo-infra-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // start both in parallel: PostgreSQL is a child process, Kafka is in-process
        CompletableFuture<EmbeddedPostgres> pg =
                CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(base.resolve("postgres"), 0));
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(base.resolve("kafka"), 0);
        } catch (RuntimeException e) {
            pg.thenAccept(EmbeddedPostgres::close);
            throw e;
        }
        try {
            EmbeddedPostgres postgres = pg.join();
            LOG.info("Pipeline infra (embedded) ready: kafka={} postgres={}", kafka.bootstrapServers(), postgres.jdbcUrl());
            return new EmbeddedPipelineInfra(base, kafka, postgres);
        } catch (CompletionException e) {
            kafka.close();
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    @Override
    public String dbUser() {
        return postgres.user();
    }

    @Override
    public String dbPassword() {
        return postgres.password();
    }

    @Override
    public DataSource dataSource() {
        return postgres.dataSource();
    }

    @Override
    public EmbeddedKafka kafka() {
        return kafka;
    }

    @Override
    public EmbeddedPostgres postgres() {
        return postgres;
    }

    @Override
    public String backend() {
        return InfraFactory.EMBEDDED;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            kafka.close();
        } catch (RuntimeException e) {
            LOG.warn("Error stopping embedded Kafka", e);
        }
        try {
            postgres.close();
        } catch (RuntimeException e) {
            LOG.warn("Error stopping embedded PostgreSQL", e);
        }
        deleteQuietly(baseDir);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Could not delete {}", dir, e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPipelineInfra[" + kafka + ", " + postgres + "]";
    }
}
