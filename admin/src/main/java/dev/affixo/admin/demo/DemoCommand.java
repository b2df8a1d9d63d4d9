package dev.affixo.admin.demo;

import dev.affixo.admin.Database;
import dev.affixo.admin.DatabaseOptions;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "demo", description = "Demo data.", subcommands = DemoCommand.Seed.class)
public final class DemoCommand {

    @Command(name = "seed", description = {
            "Creates the demo workspace (keys for every role, refs jane, john, …) and a second workspace;",
            "prints them as JSON on stdout — the only time the keys are shown."})
    static final class Seed implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--if-absent", description = "do nothing (exit 0) if a workspace named 'demo' exists")
        boolean ifAbsent;

        @Override
        public Integer call() {
            Database db = database.open();
            DemoSeed seed = new DemoSeed(db);
            Optional<Long> existing = ifAbsent ? seed.existingWorkspace() : Optional.empty();
            if (existing.isPresent()) {
                spec.commandLine().getErr().println("demo workspace " + existing.get()
                        + " already exists; its keys were printed when it was seeded");
                return 0;
            }
            DemoData data = seed.seed();
            spec.commandLine().getOut().println(
                    JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(data));
            spec.commandLine().getErr().println("demo workspace " + data.workspaceId() + " seeded");
            return 0;
        }
    }
}
