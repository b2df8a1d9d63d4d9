package dev.affixo.infra.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithPipelineInfra
class PipelineInfraExtensionTest {

    static PipelineInfra fromBeforeAll;
    final PipelineInfra fromConstructor;

    PipelineInfraExtensionTest(PipelineInfra infra) {
        this.fromConstructor = infra;
    }

    @BeforeAll
    static void beforeAll(PipelineInfra infra) {
        fromBeforeAll = infra;
    }

    @Test
    void injectsOneSharedInstance(PipelineInfra infra) {
        assertThat(infra).isSameAs(fromConstructor).isSameAs(fromBeforeAll).isSameAs(PipelineInfraExtension.shared());
        assertThat(infra.backend()).isEqualTo(InfraFactory.EMBEDDED);
        assertThat(infra.kafka().isRunning()).isTrue();
        assertThat(infra.postgres().isRunning()).isTrue();
    }

    @Test
    void springProperties(PipelineInfra infra) {
        assertThat(infra.springProperties()).isEqualTo(Map.of(
                "spring.kafka.bootstrap-servers", infra.bootstrapServers(),
                "spring.datasource.url", infra.jdbcUrl(),
                "spring.datasource.username", "postgres",
                "spring.datasource.password", infra.dbPassword()));
        assertThat(infra.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:").endsWith("/affixo");
    }

    @Test
    void kafkaAndDatabaseAreReachable(PipelineInfra infra) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
        try (Connection c = infra.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("affixo");
        }
    }

    @Test
    void backendSelection() {
        String old = System.getProperty(InfraFactory.PROPERTY);
        try {
            System.setProperty(InfraFactory.PROPERTY, "Testcontainers");
            assertThat(InfraFactory.selectedBackend()).isEqualTo(InfraFactory.TESTCONTAINERS);
            System.setProperty(InfraFactory.PROPERTY, "embedded");
            assertThat(InfraFactory.selectedBackend()).isEqualTo(InfraFactory.EMBEDDED);
        } finally {
            if (old == null) {
                System.clearProperty(InfraFactory.PROPERTY);
            } else {
                System.setProperty(InfraFactory.PROPERTY, old);
            }
        }
    }
}
