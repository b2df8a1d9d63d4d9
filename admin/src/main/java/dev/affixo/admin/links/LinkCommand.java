package dev.affixo.admin.links;

import dev.affixo.admin.DatabaseOptions;
import dev.affixo.admin.ListingTime;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "link", description = "Referral links (refs) of an affiliate: create, list, deactivate.",
        subcommands = {LinkCommand.Create.class, LinkCommand.ListLinks.class, LinkCommand.Deactivate.class})
public final class LinkCommand {

    @Command(name = "create", description = "Creates an active link; prints its id on stdout.")
    static final class Create implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--workspace", required = true, paramLabel = "ID")
        long workspace;

        @Option(names = "--affiliate", required = true, paramLabel = "ID")
        long affiliate;

        @Option(names = "--campaign", paramLabel = "ID")
        Long campaign;

        @Option(names = "--ref", required = true, description = "the ref merchants send, unique in the workspace")
        String ref;

        @Override
        public Integer call() {
            long id = new Links(database.open()).create(workspace, affiliate, campaign, ref);
            spec.commandLine().getOut().println(id);
            spec.commandLine().getErr().println("link " + id + " created: ref '" + ref + "' → affiliate " + affiliate);
            return 0;
        }
    }

    @Command(name = "list", description = "Lists a workspace's links, active and inactive.")
    static final class ListLinks implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--workspace", required = true, paramLabel = "ID")
        long workspace;

        @Override
        public Integer call() {
            List<LinkRow> links = new Links(database.open()).list(workspace);
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-6s %-24s %-9s %-8s %-6s %-20s%n";
            out.printf(format, "ID", "REF", "AFFILIATE", "CAMPAIGN", "ACTIVE", "CREATED");
            for (LinkRow l : links) {
                out.printf(format, l.id(), l.ref(), l.affiliateId(), l.campaignId() == null ? "-" : l.campaignId(),
                        l.active() ? "yes" : "no", ListingTime.format(l.createdAt()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "deactivate", description = "Deactivates a link; its ref answers 404 within 5 s.")
    static final class Deactivate implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--workspace", required = true, paramLabel = "ID")
        long workspace;

        @Option(names = "--ref", required = true)
        String ref;

        @Override
        public Integer call() {
            new Links(database.open()).deactivate(workspace, ref);
            spec.commandLine().getErr().println("link '" + ref + "' in workspace " + workspace + " deactivated");
            return 0;
        }
    }
}
