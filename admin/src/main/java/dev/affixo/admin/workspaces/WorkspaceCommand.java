package dev.affixo.admin.workspaces;

import dev.affixo.admin.DatabaseOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "workspace", description = "Workspaces.", subcommands = WorkspaceCommand.Create.class)
public final class WorkspaceCommand {

    @Command(name = "create", description = "Creates a workspace; prints its id on stdout.")
    static final class Create implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--name", required = true, description = "display name")
        String name;

        @Override
        public Integer call() {
            long id = new Workspaces(database.open()).create(name);
            PrintWriter out = spec.commandLine().getOut();
            out.println(id);
            spec.commandLine().getErr().println("workspace " + id + " created: " + name.strip());
            return 0;
        }
    }
}
