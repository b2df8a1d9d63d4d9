package dev.affixo.admin;

import dev.affixo.infra.junit.PipelineInfra;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs affixo-admin in-process against the test database and captures what it prints. */
public final class Cli {

    private final PipelineInfra infra;

    public Cli(PipelineInfra infra) {
        this.infra = infra;
    }

    public record Result(int exitCode, String out, String err) {
        /** stdout's single line, e.g. the id or token a create command prints. */
        public String value() {
            return out.strip();
        }

        public long id() {
            return Long.parseLong(value());
        }
    }

    public Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--database-url", infra.jdbcUrl(), "--database-user", infra.dbUser(),
                "--database-password", infra.dbPassword()));
        return runRaw(all.toArray(String[]::new));
    }

    /** Without the database options, e.g. to test argument errors. */
    public Result runRaw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AdminCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A workspace with one affiliate, created through the CLI. */
    public long[] workspaceWithAffiliate() {
        long ws = run("workspace", "create", "--name", "test").id();
        long affiliate = run("affiliate", "create", "--workspace", String.valueOf(ws), "--name", "jane").id();
        return new long[] {ws, affiliate};
    }
}
