package dev.affixo.admin.schema;

import dev.affixo.admin.DatabaseOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Applies the schema and nothing else: the README's "single applier" for a deployment that runs every
 * service with {@code SPRING_FLYWAY_ENABLED=false} (deploy/kubernetes runs it as a Job before a rollout).
 * Every other database command migrates first as well; this one exists so that applying a migration is
 * its own step, with its own exit code.
 */
@Command(name = "migrate", description = "Applies the Flyway migrations; prints the schema version on stdout.")
public final class MigrateCommand implements Callable<Integer> {

    @Mixin DatabaseOptions database;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        String version = database.migrate();
        spec.commandLine().getOut().println(version);
        spec.commandLine().getErr().println("schema at version " + version);
        return 0;
    }
}
