package dev.affixo.admin;

import dev.affixo.admin.affiliates.AffiliateCommand;
import dev.affixo.admin.campaigns.CampaignCommand;
import dev.affixo.admin.demo.DemoCommand;
import dev.affixo.admin.keys.KeyCommand;
import dev.affixo.admin.links.LinkCommand;
import dev.affixo.admin.schema.MigrateCommand;
import dev.affixo.admin.topics.TopicsCommand;
import dev.affixo.admin.visitors.VisitorCommand;
import dev.affixo.admin.workspaces.WorkspaceCommand;
import java.io.PrintWriter;
import org.jdbi.v3.core.ConnectionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar admin/target/affixo-admin.jar <command>}. Ids and tokens go to stdout (so scripts
 * can capture them), human messages to stderr. Exit codes: 0 done, 1 the request failed (unknown id,
 * duplicate ref, database unreachable), 2 bad arguments. Errors are one line; never a stack trace.
 */
@Command(name = "affixo-admin", mixinStandardHelpOptions = true, version = "affixo-admin 0.1.0",
        description = "Manage Affixo workspaces, API keys, affiliates, campaigns and links in PostgreSQL, "
                + "and create the pipeline's Kafka topics.",
        subcommands = {WorkspaceCommand.class, KeyCommand.class, AffiliateCommand.class, CampaignCommand.class,
                LinkCommand.class, DemoCommand.class, TopicsCommand.class, MigrateCommand.class, VisitorCommand.class,
                CommandLine.HelpCommand.class})
public final class AdminCli {

    public static final int FAILED = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line; tests set their own out/err writers on it. */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new AdminCli());
        cli.setExitCodeExceptionMapper(e -> FAILED);
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("error: " + ex.getMessage());
            err.println("try: " + cmd.getCommandSpec().qualifiedName() + " --help");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            String message;
            if (ex instanceof AdminException) {
                message = ex.getMessage();
            } else if (ex instanceof ConnectionException) {
                message = Database.connectionFailure((ConnectionException) ex).getMessage();
            } else {
                message = "unexpected failure: " + Database.rootMessage(ex);
            }
            cmd.getErr().println("error: " + message);
            if (System.getenv("AFFIXO_ADMIN_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return FAILED;
        });
        return cli;
    }
}
