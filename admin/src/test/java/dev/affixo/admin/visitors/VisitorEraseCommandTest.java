package dev.affixo.admin.visitors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.admin.Cli;
import dev.affixo.admin.Cli.Result;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

@WithPipelineInfra
class VisitorEraseCommandTest {

    private final Cli cli;
    private final Jdbi jdbi;

    VisitorEraseCommandTest(PipelineInfra infra) {
        this.cli = new Cli(infra);
        this.jdbi = Jdbi.create(infra.dataSource());
    }

    @Test
    void recordsThePendingErasureAsTheApiDoesWithoutAKey() {
        long ws = cli.workspaceWithAffiliate()[0];

        Result erased = cli.run("visitor", "erase", "--workspace", String.valueOf(ws), "v/é ?1");

        assertThat(erased.exitCode()).isZero();
        UUID erasureId = UUID.fromString(erased.value());
        assertThat(erased.err()).contains("erasure " + erasureId + " recorded");
        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery("""
                        select workspace_id, key_id, pending_visitor_id, completed_at from visitor_erasures
                        where erasure_id = :id""")
                .bind("id", erasureId).mapToMap().one());
        assertThat(row).containsEntry("workspace_id", ws).containsEntry("key_id", null)
                .containsEntry("pending_visitor_id", "v/é ?1").containsEntry("completed_at", null);
    }

    @Test
    void refusesAnUnknownWorkspaceAndAnIdNoClickCouldCarry() {
        Result unknown = cli.run("visitor", "erase", "--workspace", "999999999", "v-1");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown workspace 999999999");

        long ws = cli.workspaceWithAffiliate()[0];
        Result tooLong = cli.run("visitor", "erase", "--workspace", String.valueOf(ws), "x".repeat(129));
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.err()).contains("VISITOR longer than 128 code points");
        long recorded = jdbi.withHandle(h -> h.createQuery(
                        "select count(*) from visitor_erasures where workspace_id = :ws")
                .bind("ws", ws).mapTo(Long.class).one());
        assertThat(recorded).isZero();
    }
}
