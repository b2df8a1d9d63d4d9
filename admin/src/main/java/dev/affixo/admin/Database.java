package dev.affixo.admin;

import java.sql.SQLException;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * A connection to an Affixo database. {@link #connect} applies the schema first: the same Flyway
 * migrations ({@code classpath:db/migration} from {@code common}) the services apply at start, so the
 * CLI works against an empty database too. Flyway's lock table makes this safe beside running services,
 * and migrations newer than this jar (applied by newer services) are ignored, not an error.
 */
public final class Database {

    private final Jdbi jdbi;

    private Database(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Migrates the schema, then returns a connection; any failure is an {@link AdminException}. */
    public static Database connect(String url, String user, String password) {
        migrate(url, user, password);
        return new Database(Jdbi.create(url, user, password));
    }

    /**
     * Applies the migrations this jar holds and returns the schema version the database is at afterwards
     * (newer migrations applied by newer services count: the database's version, not this jar's).
     */
    public static String migrate(String url, String user, String password) {
        if (url == null || url.isBlank()) {
            throw new AdminException("no database: pass --database-url or set DATABASE_URL");
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new AdminException("database url must start with jdbc:postgresql: (got " + url + ")");
        }
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(url, user, password)
                    .locations("classpath:db/migration")
                    .connectRetries(0)
                    .load();
            flyway.migrate();
            MigrationInfo current = flyway.info().current();
            return current == null ? "none" : current.getVersion().getVersion();
        } catch (FlywayException e) {
            throw new AdminException("cannot prepare database " + url + ": " + rootMessage(e), e);
        }
    }

    /** An already-migrated database, e.g. for tests and the local launcher. */
    public static Database of(Jdbi jdbi) {
        return new Database(jdbi);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The SQLSTATE behind a failed statement, e.g. {@code 23505} for a unique violation. */
    public static Optional<String> sqlState(UnableToExecuteStatementException e) {
        return e.getCause() instanceof SQLException sql ? Optional.ofNullable(sql.getSQLState()) : Optional.empty();
    }

    /** The innermost message: what PostgreSQL or the driver actually said. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** Wraps connection failures of later statements the same way {@link #connect} does. */
    public static AdminException connectionFailure(ConnectionException e) {
        return new AdminException("cannot connect to database: " + rootMessage(e), e);
    }
}
