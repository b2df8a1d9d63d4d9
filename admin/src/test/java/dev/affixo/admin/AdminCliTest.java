package dev.affixo.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.admin.Cli.Result;
import dev.affixo.common.keys.ApiKeyToken;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Every command against a real PostgreSQL, including the errors a user will meet. */
@WithPipelineInfra
class AdminCliTest {

    private final Cli cli;
    private final Jdbi jdbi;

    AdminCliTest(PipelineInfra infra) {
        this.cli = new Cli(infra);
        this.jdbi = Jdbi.create(infra.dataSource());
    }

    @Test
    void migratePrintsTheVersionTheDatabaseIsAt() {
        Result result = cli.run("migrate");
        assertThat(result.exitCode()).isZero();
        String latest = jdbi.withHandle(h -> h.createQuery(
                "select version from flyway_schema_history where success and version is not null "
                        + "order by installed_rank desc limit 1").mapTo(String.class).one());
        assertThat(result.value()).isEqualTo(latest);
        assertThat(result.err()).contains("schema at version " + latest);
    }

    @Test
    void createsWorkspaceAffiliateAndCampaign() {
        Result ws = cli.run("workspace", "create", "--name", "acme");
        assertThat(ws.exitCode()).isZero();
        long id = ws.id();
        assertThat(ws.err()).contains("workspace " + id + " created");
        assertThat((Object) jdbi.withHandle(h -> h.createQuery("select name from workspaces where id = :id").bind("id", id)
                .mapTo(String.class).one())).isEqualTo("acme");

        Result aff = cli.run("affiliate", "create", "--workspace", String.valueOf(id), "--name", "Jane");
        Result camp = cli.run("campaign", "create", "--workspace", String.valueOf(id), "--name", "spring");
        assertThat(aff.exitCode()).isZero();
        assertThat(camp.exitCode()).isZero();
        assertThat((Object) jdbi.withHandle(h -> h.createQuery("select workspace_id from affiliates where id = :id")
                .bind("id", aff.id()).mapTo(Long.class).one())).isEqualTo(id);
        assertThat((Object) jdbi.withHandle(h -> h.createQuery("select workspace_id from campaigns where id = :id")
                .bind("id", camp.id()).mapTo(Long.class).one())).isEqualTo(id);
    }

    @Test
    void keyCreatePrintsTheTokenOnceAndStoresOnlyItsHash() {
        long ws = cli.workspaceWithAffiliate()[0];
        Result created = cli.run("key", "create", "--workspace", String.valueOf(ws), "--scopes", "track,read",
                "--rate-limit", "120", "--expires-at", "2099-01-31T00:00:00Z");
        assertThat(created.exitCode()).isZero();
        String token = created.value();
        assertThat(token).startsWith("sa_live_").hasSize(46);
        assertThat(created.err()).contains("only time the token is shown");

        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery("""
                        select encode(key_hash, 'hex') as hash, display_prefix, kind, scopes::text as scopes,
                               rate_limit_per_minute, expires_at::text as expires from api_keys where workspace_id = :ws""")
                .bind("ws", ws).mapToMap().one());
        assertThat(row).containsEntry("hash", ApiKeyToken.hash(token))
                .containsEntry("display_prefix", token.substring(0, 12))
                .containsEntry("kind", "workspace")
                .containsEntry("scopes", "{track,read}")
                .containsEntry("rate_limit_per_minute", 120);
        assertThat((String) row.get("expires")).startsWith("2099-01-31");
        assertThat((Object) jdbi.withHandle(h -> h.createQuery("select count(*) from api_keys where display_prefix = :t "
                + "or encode(key_hash, 'escape') like :like").bind("t", token).bind("like", "%" + token + "%")
                .mapTo(Integer.class).one())).isEqualTo(0);
    }

    @Test
    void affiliateKeysNeedTheirAffiliateAndNeverTrack() {
        long[] ids = cli.workspaceWithAffiliate();
        String ws = String.valueOf(ids[0]);
        Result ok = cli.run("key", "create", "--workspace", ws, "--kind", "affiliate",
                "--affiliate", String.valueOf(ids[1]), "--scopes", "read");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.value()).startsWith("refa_live_");

        assertError(cli.run("key", "create", "--workspace", ws, "--kind", "affiliate", "--scopes", "read"),
                1, "--kind affiliate needs --affiliate ID");
        assertError(cli.run("key", "create", "--workspace", ws, "--kind", "affiliate",
                "--affiliate", String.valueOf(ids[1]), "--scopes", "track"), 1, "cannot have the track scope");
        assertError(cli.run("key", "create", "--workspace", ws, "--kind", "affiliate",
                "--affiliate", "999999", "--scopes", "read"), 1, "unknown affiliate 999999 in workspace " + ws);
        assertError(cli.run("key", "create", "--workspace", ws, "--affiliate", String.valueOf(ids[1]),
                "--scopes", "read"), 1, "--affiliate is only for --kind affiliate");
    }

    @Test
    void keyCreateRejectsBadArguments() {
        String ws = String.valueOf(cli.workspaceWithAffiliate()[0]);
        assertError(cli.run("key", "create", "--workspace", ws, "--scopes", "track,admin"), 1, "unknown scope 'admin'");
        assertError(cli.run("key", "create", "--workspace", ws, "--scopes", "track", "--rate-limit", "0"),
                1, "--rate-limit must be a positive number");
        assertError(cli.run("key", "create", "--workspace", ws, "--scopes", "track", "--expires-at", "tomorrow"),
                2, "is not an ISO-8601 time");
        assertError(cli.run("key", "create", "--workspace", ws, "--scopes", "track", "--expires-at", "2001-01-01"),
                1, "--expires-at must be in the future");
        assertError(cli.run("key", "create", "--workspace", ws, "--kind", "robot", "--scopes", "track"),
                2, "must be workspace or affiliate");
        assertError(cli.run("key", "create", "--workspace", "999999", "--scopes", "track"), 1, "unknown workspace 999999");
        assertError(cli.run("key", "create", "--workspace", ws), 2, "Missing required option: '--scopes=SCOPE'");
    }

    @Test
    void keyListShowsEveryKeyButNoToken() {
        String ws = String.valueOf(cli.workspaceWithAffiliate()[0]);
        String first = cli.run("key", "create", "--workspace", ws, "--scopes", "track").value();
        String second = cli.run("key", "create", "--workspace", ws, "--scopes", "*", "--rate-limit", "60").value();

        Result list = cli.run("key", "list", "--workspace", ws);
        assertThat(list.exitCode()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("ID", "PREFIX", "KIND", "SCOPES", "LIMIT", "CREATED", "REVOKED");
        assertThat(lines.get(1)).contains(first.substring(0, 12), "workspace", "track", "600/min");
        assertThat(lines.get(2)).contains(second.substring(0, 12), "*", "60/min");
        assertThat(list.out()).doesNotContain(first).doesNotContain(second)
                .doesNotContain(ApiKeyToken.hash(first));
    }

    @Test
    void keyRevokeMarksTheKeyRevoked() {
        String ws = String.valueOf(cli.workspaceWithAffiliate()[0]);
        String token = cli.run("key", "create", "--workspace", ws, "--scopes", "track").value();
        long id = jdbi.withHandle(h -> h.createQuery("select id from api_keys where key_hash = decode(:h, 'hex')")
                .bind("h", ApiKeyToken.hash(token)).mapTo(Long.class).one());

        Result revoke = cli.run("key", "revoke", "--id", String.valueOf(id));
        assertThat(revoke.exitCode()).isZero();
        assertThat(revoke.err()).contains("key " + id + " revoked");
        assertThat((Object) jdbi.withHandle(h -> h.createQuery("select revoked_at is not null from api_keys where id = :id")
                .bind("id", id).mapTo(Boolean.class).one())).isEqualTo(true);
        assertThat(cli.run("key", "list", "--workspace", ws).out().lines().skip(1).findFirst().orElseThrow())
                .doesNotEndWith("-");

        assertThat(cli.run("key", "revoke", "--id", String.valueOf(id)).exitCode()).isZero();
        assertError(cli.run("key", "revoke", "--id", "999999"), 1, "unknown key 999999");
    }

    @Test
    void linkCreateListAndDeactivate() {
        long[] ids = cli.workspaceWithAffiliate();
        String ws = String.valueOf(ids[0]);
        String aff = String.valueOf(ids[1]);
        long campaign = cli.run("campaign", "create", "--workspace", ws, "--name", "spring").id();

        Result link = cli.run("link", "create", "--workspace", ws, "--affiliate", aff, "--ref", "jane");
        assertThat(link.exitCode()).isZero();
        assertThat(cli.run("link", "create", "--workspace", ws, "--affiliate", aff,
                "--campaign", String.valueOf(campaign), "--ref", "jane-spring").exitCode()).isZero();

        Result list = cli.run("link", "list", "--workspace", ws);
        assertThat(list.out().lines().toList()).hasSize(3);
        assertThat(list.out()).contains("jane ", "jane-spring", String.valueOf(campaign));

        Result off = cli.run("link", "deactivate", "--workspace", ws, "--ref", "jane");
        assertThat(off.exitCode()).isZero();
        assertThat((Object) jdbi.withHandle(h -> h.createQuery("select active from links where id = :id")
                .bind("id", link.id()).mapTo(Boolean.class).one())).isEqualTo(false);
        assertThat(cli.run("link", "list", "--workspace", ws).out().lines()
                .filter(l -> l.contains("jane ")).findFirst().orElseThrow()).contains(" no ");
        assertThat(cli.run("link", "deactivate", "--workspace", ws, "--ref", "jane").exitCode())
                .as("deactivating twice is fine").isZero();
    }

    @Test
    void linkStatsPrintsEveryUtcDayOfTheRangeWithZerosForDaysWithoutClicks() {
        long[] ids = cli.workspaceWithAffiliate();
        String ws = String.valueOf(ids[0]);
        long link = cli.run("link", "create", "--workspace", ws, "--affiliate", String.valueOf(ids[1]),
                "--ref", "jane").id();
        long other = cli.run("link", "create", "--workspace", ws, "--affiliate", String.valueOf(ids[1]),
                "--ref", "joe").id();
        // What the click-processor keeps (link_daily_totals); another link's day must not show.
        jdbi.useHandle(h -> h.execute("""
                insert into link_daily_totals (workspace_id, link_id, day, all_clicks, unique_clicks,
                                               duplicate_clicks, bot_clicks, unique_human_clicks)
                values (?, ?, '2026-03-01', 10, 7, 3, 2, 6), (?, ?, '2026-03-03', 4, 4, 0, 4, 0),
                       (?, ?, '2026-03-02', 99, 99, 0, 0, 99), (?, ?, '2026-03-04', 5, 5, 0, 0, 5)""",
                ids[0], link, ids[0], link, ids[0], other, ids[0], link));

        Result stats = cli.run("link", "stats", "jane", "--workspace", ws, "--from", "2026-03-01", "--to", "2026-03-03");
        assertThat(stats.exitCode()).isZero();
        assertThat(stats.out().lines().map(l -> l.trim().split("\\s+")).map(List::of).toList()).containsExactly(
                List.of("DAY", "ALL", "UNIQUE", "DUPLICATE", "BOT", "UNIQUE_HUMAN"),
                List.of("2026-03-01", "10", "7", "3", "2", "6"),
                List.of("2026-03-02", "0", "0", "0", "0", "0"),
                List.of("2026-03-03", "4", "4", "0", "4", "0"),
                List.of("TOTAL", "14", "11", "3", "6", "6"));

        assertError(cli.run("link", "stats", "nope", "--workspace", ws, "--from", "2026-03-01", "--to", "2026-03-03"),
                1, "unknown ref 'nope' in workspace " + ws);
        assertError(cli.run("link", "stats", "jane", "--workspace", ws, "--from", "2026-3-1", "--to", "2026-03-03"),
                1, "--from must be a date, YYYY-MM-DD (a UTC day): '2026-3-1'");
        assertError(cli.run("link", "stats", "jane", "--workspace", ws, "--from", "2026-03-04", "--to", "2026-03-03"),
                1, "--from 2026-03-04 is after --to 2026-03-03");
        assertError(cli.run("link", "stats", "jane", "--workspace", "999999", "--from", "2026-03-01",
                "--to", "2026-03-01"), 1, "unknown workspace 999999");
    }

    @Test
    void linkErrorsAreOneLine() {
        long[] ids = cli.workspaceWithAffiliate();
        String ws = String.valueOf(ids[0]);
        String aff = String.valueOf(ids[1]);
        cli.run("link", "create", "--workspace", ws, "--affiliate", aff, "--ref", "dup");

        assertError(cli.run("link", "create", "--workspace", ws, "--affiliate", aff, "--ref", "dup"),
                1, "ref 'dup' already exists in workspace " + ws);
        assertError(cli.run("link", "create", "--workspace", ws, "--affiliate", "999999", "--ref", "x"),
                1, "unknown affiliate 999999");
        assertError(cli.run("link", "create", "--workspace", ws, "--affiliate", aff, "--campaign", "999999",
                "--ref", "x"), 1, "unknown campaign 999999");
        assertError(cli.run("link", "create", "--workspace", ws, "--affiliate", aff, "--ref", "r".repeat(129)),
                1, "--ref must be 1 to 128 characters");
        assertError(cli.run("link", "deactivate", "--workspace", ws, "--ref", "nope"), 1, "unknown ref 'nope'");
        assertError(cli.run("link", "list", "--workspace", "999999"), 1, "unknown workspace 999999");
    }

    @Test
    void argumentAndConnectionErrorsAreOneLineWithoutStackTrace() {
        assertError(cli.runRaw("workspace", "create", "--name", "x"), 1, "no database: pass --database-url");
        assertError(cli.runRaw("key", "list", "--workspace", "1", "--database-url", "jdbc:postgresql://127.0.0.1:1/x"),
                1, "cannot prepare database jdbc:postgresql://127.0.0.1:1/x");
        assertError(cli.runRaw("key", "list", "--workspace", "abc"), 2, "'abc' is not a long");
        assertError(cli.runRaw("link"), 2, "Missing required subcommand");
        assertError(cli.runRaw("teleport"), 2, "Unmatched argument");
        assertError(cli.run("workspace", "create", "--name", " "), 1, "--name must not be blank");
    }

    private static void assertError(Result result, int exitCode, String message) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        assertThat(result.err()).contains("error: ").contains(message).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(result.out()).isEmpty();
    }
}
