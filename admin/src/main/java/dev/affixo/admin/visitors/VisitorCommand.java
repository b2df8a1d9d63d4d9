package dev.affixo.admin.visitors;

import dev.affixo.admin.AdminException;
import dev.affixo.admin.DatabaseOptions;
import dev.affixo.admin.Exists;
import dev.affixo.admin.Database;
import dev.affixo.common.erasure.ErasureRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "visitor", description = "Visitors.", subcommands = VisitorCommand.Erase.class)
public final class VisitorCommand {

    /**
     * The same erasure as {@code DELETE /v1/visitors/{visitor_id}}: one {@code visitor_erasures} row through
     * {@link ErasureRequest#INSERT}, applied by the click processor within 60 s (docs/privacy.md). Its key id is
     * null: the audit's mark for "the admin CLI".
     */
    @Command(name = "erase", description = "Erases a visitor (docs/privacy.md); prints the erasure id on stdout. "
            + "An unknown visitor is accepted too (nothing to erase).")
    static final class Erase implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--workspace", required = true, paramLabel = "ID", description = "workspace id")
        long workspace;

        @Parameters(index = "0", paramLabel = "VISITOR", description = "the visitor id as the API returned it")
        String visitorId;

        @Override
        public Integer call() {
            String problem = ErasureRequest.problem(visitorId);
            if (problem != null) {
                throw new AdminException("VISITOR " + problem);
            }
            Database db = database.open();
            Exists.workspace(db, workspace);
            ErasureRequest request = ErasureRequest.of(workspace, null, visitorId);
            db.jdbi().useHandle(h -> h.createUpdate(ErasureRequest.INSERT)
                    .bind("erasureId", request.erasureId())
                    .bind("workspaceId", request.workspaceId())
                    .bind("keyId", request.keyId())
                    .bind("visitorId", request.visitorId())
                    .execute());
            spec.commandLine().getOut().println(request.erasureId());
            spec.commandLine().getErr().println("erasure " + request.erasureId() + " recorded in workspace "
                    + workspace + "; the click processor applies it within 60 s");
            return 0;
        }
    }
}
