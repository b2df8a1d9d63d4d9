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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "link", description = "Referral links (refs) of an affiliate: create, list, deactivate, stats.",
        subcommands = {LinkCommand.Create.class, LinkCommand.ListLinks.class, LinkCommand.Deactivate.class,
                LinkCommand.Stats.class})
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

    @Command(name = "stats", description = "A link's clicks per UTC day: all, unique, duplicate, bot, unique human "
            + "(days without clicks as zeros).")
    static final class Stats implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "REF", description = "the link's ref")
        String ref;

        @Option(names = "--workspace", required = true, paramLabel = "ID")
        long workspace;

        @Option(names = "--from", required = true, paramLabel = "DATE", description = "first UTC day, YYYY-MM-DD")
        String from;

        @Option(names = "--to", required = true, paramLabel = "DATE", description = "last UTC day (included)")
        String to;

        @Override
        public Integer call() {
            List<LinkStats.Day> days = new LinkStats(database.open()).daily(workspace, ref,
                    LinkStats.day("--from", from), LinkStats.day("--to", to));
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-10s %10s %10s %10s %10s %12s%n";
            out.printf(format, "DAY", "ALL", "UNIQUE", "DUPLICATE", "BOT", "UNIQUE_HUMAN");
            long[] sum = new long[5];
            for (LinkStats.Day d : days) {
                out.printf(format, d.day(), d.all(), d.unique(), d.duplicate(), d.bot(), d.uniqueHuman());
                sum[0] += d.all();
                sum[1] += d.unique();
                sum[2] += d.duplicate();
                sum[3] += d.bot();
                sum[4] += d.uniqueHuman();
            }
            out.printf(format, "TOTAL", sum[0], sum[1], sum[2], sum[3], sum[4]);
            out.flush();
            return 0;
        }
    }
}
