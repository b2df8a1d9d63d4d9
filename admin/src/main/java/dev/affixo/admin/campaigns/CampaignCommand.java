package dev.affixo.admin.campaigns;

import dev.affixo.admin.DatabaseOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "campaign", description = "Campaigns of a workspace.", subcommands = CampaignCommand.Create.class)
public final class CampaignCommand {

    @Command(name = "create", description = "Creates a campaign; prints its id on stdout.")
    static final class Create implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--workspace", required = true, paramLabel = "ID")
        long workspace;

        @Option(names = "--name", required = true)
        String name;

        @Override
        public Integer call() {
            long id = new Campaigns(database.open()).create(workspace, name);
            spec.commandLine().getOut().println(id);
            spec.commandLine().getErr().println("campaign " + id + " created in workspace " + workspace + ": " + name.strip());
            return 0;
        }
    }
}
