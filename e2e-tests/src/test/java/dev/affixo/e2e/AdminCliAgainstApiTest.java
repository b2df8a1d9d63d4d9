package dev.affixo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.keys.ApiKeyToken;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.process.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The admin CLI jar, run as an operator would: a key it creates works on the running API; revoked, it stops within 5 s. */
@WithPipelineInfra
class AdminCliAgainstApiTest {

    private static final Path ADMIN_JAR = Path.of("..", "admin", "target", "affixo-admin.jar").toAbsolutePath().normalize();

    @Test
    void keyCreatedByTheCliWorksAndIsRejectedWithin5SecondsOfRevocation(PipelineInfra infra) throws Exception {
        try (Pipeline pipeline = Pipeline.startApi(infra, "admin")) {
            String ws = admin(infra, "workspace", "create", "--name", "acme-" + UUID.randomUUID());
            String affiliate = admin(infra, "affiliate", "create", "--workspace", ws, "--name", "Jane Doe");
            admin(infra, "link", "create", "--workspace", ws, "--affiliate", affiliate, "--ref", "jane");
            String key = admin(infra, "key", "create", "--workspace", ws, "--scopes", "track");

            assertThat(pipeline.click(key, "{\"ref\":\"jane\"}", null).statusCode()).isEqualTo(200);

            long keyId = Jdbi.create(infra.dataSource()).withHandle(h -> h.createQuery(
                            "select id from api_keys where key_hash = decode(:h, 'hex')")
                    .bind("h", ApiKeyToken.hash(key)).mapTo(Long.class).one());
            admin(infra, "key", "revoke", "--id", Long.toString(keyId));
            long revokedAt = System.nanoTime();
            int status = 200;
            while (status != 401 && System.nanoTime() - revokedAt < Duration.ofSeconds(10).toNanos()) {
                Thread.sleep(100);
                status = pipeline.click(key, "{\"ref\":\"jane\"}", null).statusCode();
            }
            assertThat(status).isEqualTo(401);
            assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThanOrEqualTo(Duration.ofSeconds(5));
        }
    }

    /** Runs the admin jar; returns its stdout, trimmed; fails with its stderr on a non-zero exit. */
    private static String admin(PipelineInfra infra, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ServiceProcess.javaTool("java"), "-jar", ADMIN_JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("DATABASE_URL", infra.jdbcUrl());
        builder.environment().put("DATABASE_USER", infra.dbUser());
        builder.environment().put("DATABASE_PASSWORD", infra.dbPassword());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", args) + ": " + err).isZero();
        return out;
    }
}
