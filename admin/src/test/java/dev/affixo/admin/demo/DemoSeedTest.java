package dev.affixo.admin.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.admin.Cli;
import dev.affixo.common.keys.ApiKeyToken;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@WithPipelineInfra
class DemoSeedTest {

    @Test
    void seedsEveryRoleOnceAndPrintsItAsJson(PipelineInfra infra) {
        Cli cli = new Cli(infra);
        Jdbi jdbi = Jdbi.create(infra.dataSource());

        Cli.Result first = cli.run("demo", "seed", "--if-absent");
        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode data = JsonMapper.builder().build().readTree(first.out());
        long ws = data.get("workspaceId").asLong();
        JsonNode keys = data.get("keys");
        assertThat(keys.propertyNames()).containsExactly("track", "star", "read", "affiliate", "revoked", "ratelimit");
        assertThat(keys.get("affiliate").asString()).startsWith("refa_live_");

        Map<String, Object> revoked = jdbi.withHandle(h -> h.createQuery(
                        "select workspace_id, revoked_at is not null as revoked from api_keys where key_hash = decode(:h, 'hex')")
                .bind("h", ApiKeyToken.hash(keys.get("revoked").asString())).mapToMap().one());
        assertThat(revoked).containsEntry("workspace_id", ws).containsEntry("revoked", true);
        List<String> active = jdbi.withHandle(h -> h.createQuery(
                "select ref from links where workspace_id = :ws and active order by id").bind("ws", ws).mapTo(String.class).list());
        assertThat(active).containsExactlyElementsOf(DemoSeed.REFS).hasSizeGreaterThanOrEqualTo(5);
        assertThat((Object) jdbi.withHandle(h -> h.createQuery("select workspace_id from links where ref = :r")
                .bind("r", DemoSeed.OTHER_WORKSPACE_REF).mapTo(Long.class).one()))
                .isEqualTo(data.get("otherWorkspaceId").asLong()).isNotEqualTo(ws);

        Cli.Result second = cli.run("demo", "seed", "--if-absent");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).isEmpty();
        assertThat(second.err()).contains("already exists");
    }
}
