package dev.affixo.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky embedded binaries) running as a child process, with a persistent
 * data directory: it survives {@link #stop()} / {@link #restart()} and JVM restarts (a second
 * {@link #start(Path, int)} on the same directory reuses the data). Database {@value #DATABASE} is
 * created if missing.
 *
 * <p>Wraps {@link io.zonky.test.db.postgres.embedded.EmbeddedPostgres}. Authentication is {@code trust}
 * (zonky's initdb), so any password works; {@link #password()} returns {@value #PASSWORD}.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    public static final String DATABASE = "affixo";
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    private static final String HOST = "127.0.0.1";

    private final Path dataDir;
    private final int port;
    private final PGSimpleDataSource dataSource;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    private boolean closed;

    private EmbeddedPostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
        this.dataSource = newDataSource(DATABASE);
    }

    /**
     * Starts PostgreSQL on {@code dataDir} (kept across stop/restart and across JVM runs);
     * {@code port} 0 = pick a free port once, then keep it.
     */
    public static EmbeddedPostgres start(Path dataDir, int port) {
        Path dir = dataDir.toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create PostgreSQL data dir " + dir, e);
        }
        EmbeddedPostgres postgres = new EmbeddedPostgres(dir, port == 0 ? FreePorts.pick() : port);
        postgres.doStart();
        return postgres;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/affixo}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** A non-pooling DataSource to the affixo database; keeps working after {@link #restart()}. */
    public DataSource dataSource() {
        return dataSource;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the server (fast shutdown); the data directory is kept. */
    public synchronized void stop() {
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres p = pg;
        if (p == null) {
            return;
        }
        pg = null;
        try {
            p.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop PostgreSQL on port " + port, e);
        }
        LOG.info("Embedded PostgreSQL on port {} stopped", port);
    }

    /** Starts the server again on the same port and data directory. No-op if running. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("EmbeddedPostgres is closed");
        }
        if (pg == null) {
            doStart();
        }
    }

    public synchronized boolean isRunning() {
        return pg != null;
    }

    /** Stops the server; idempotent. The data directory is left in place (the caller owns it). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
    }

    private synchronized void doStart() {
        long t0 = System.nanoTime();
        try {
            pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setLocaleConfig("locale", "C")
                    .setServerConfig("fsync", "off") // test/local use only
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start PostgreSQL on port " + port + " with data dir " + dataDir, e);
        }
        createDatabaseIfMissing();
        LOG.info("Embedded PostgreSQL started: {} (data dir {}) in {} ms",
                jdbcUrl(), dataDir, (System.nanoTime() - t0) / 1_000_000);
    }

    private void createDatabaseIfMissing() {
        try (Connection c = newDataSource("postgres").getConnection()) {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("select 1 from pg_database where datname = ?")) {
                ps.setString(1, DATABASE);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement st = c.createStatement()) {
                    st.execute("create database " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + DATABASE, e);
        }
    }

    private PGSimpleDataSource newDataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {HOST});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        return ds;
    }

    @Override
    public String toString() {
        return "EmbeddedPostgres[" + jdbcUrl() + ", dataDir=" + dataDir + ", running=" + isRunning() + "]";
    }
}
