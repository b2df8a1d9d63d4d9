package dev.affixo.admin;

import picocli.CommandLine.Option;

/** Where the database is: options, else the same environment variables the services read. */
public final class DatabaseOptions {

    @Option(names = "--database-url", paramLabel = "JDBC_URL", defaultValue = "${env:DATABASE_URL}",
            description = "jdbc:postgresql://host:port/db (default: $DATABASE_URL)")
    String url;

    @Option(names = "--database-user", paramLabel = "USER", defaultValue = "${env:DATABASE_USER}",
            description = "default: $DATABASE_USER")
    String user;

    @Option(names = "--database-password", paramLabel = "PASSWORD", defaultValue = "${env:DATABASE_PASSWORD}",
            description = "default: $DATABASE_PASSWORD")
    String password;

    public Database open() {
        return Database.connect(url, user, password);
    }

    /** Applies the migrations only; returns the database's schema version. */
    public String migrate() {
        return Database.migrate(url, user, password);
    }
}
