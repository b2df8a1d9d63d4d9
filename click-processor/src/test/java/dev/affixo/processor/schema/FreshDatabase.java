package dev.affixo.processor.schema;

import dev.affixo.infra.junit.PipelineInfra;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * A database of its own on the test server, dropped at close: for tests that migrate step by step or drop
 * partitions, which must not see (or disturb) the rows other tests keep in the shared {@code affixo} database.
 */
public final class FreshDatabase implements AutoCloseable {

    private final PipelineInfra infra;
    private final String name;
    private final String url;
    public final Jdbi jdbi;

    private FreshDatabase(PipelineInfra infra, String name) {
        this.infra = infra;
        this.name = name;
        String shared = infra.jdbcUrl();
        this.url = shared.substring(0, shared.lastIndexOf('/') + 1) + name;
        this.jdbi = Jdbi.create(url, infra.dbUser(), infra.dbPassword());
    }

    public static FreshDatabase create(PipelineInfra infra) {
        String name = "affixo_test_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        run(infra, "create database " + name);
        return new FreshDatabase(infra, name);
    }

    /** Applies the migrations up to {@code target} ("3"), or all of them with null. */
    public FreshDatabase migrate(String target) {
        var config = Flyway.configure().dataSource(url, infra.dbUser(), infra.dbPassword())
                .locations("classpath:db/migration");
        if (target != null) {
            config.target(target);
        }
        config.load().migrate();
        return this;
    }

    @Override
    public void close() {
        run(infra, "drop database if exists " + name + " with (force)");
    }

    private static void run(PipelineInfra infra, String sql) {
        try (Connection c = infra.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
