package dev.affixo.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

    @TempDir
    Path dir;

    @Test
    void keepsDataAcrossStopRestartAndAcrossInstances() throws Exception {
        Path dataDir = dir.resolve("pg");
        int port;
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir, 0)) {
            port = pg.port();
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/affixo");
            assertThat(pg.user()).isEqualTo("postgres");
            assertThat(queryInt(pg.dataSource(), "select 1")).isEqualTo(1);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                 Statement st = c.createStatement()) {
                st.execute("create table clicks (id bigint primary key, url text not null)");
                st.execute("insert into clicks values (1, 'https://example.org')");
                assertThat(c.getCatalog()).isEqualTo("affixo");
            }

            pg.stop();
            assertThat(pg.isRunning()).isFalse();
            assertThatThrownBy(() -> queryInt(pg.dataSource(), "select 1")).isInstanceOf(SQLException.class);

            pg.restart();
            assertThat(pg.isRunning()).isTrue();
            assertThat(pg.port()).isEqualTo(port);
            assertThat(queryInt(pg.dataSource(), "select count(*) from clicks where id = 1")).isEqualTo(1);
        }

        // a fresh instance on the same data dir (as in a second JVM run) reuses the data
        try (EmbeddedPostgres pg2 = EmbeddedPostgres.start(dataDir, 0)) {
            assertThat(queryInt(pg2.dataSource(), "select count(*) from clicks")).isEqualTo(1);
            try (Connection c = pg2.dataSource().getConnection(); Statement st = c.createStatement()) {
                st.execute("insert into clicks values (2, 'https://example.com')");
            }
        }
    }

    static int queryInt(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
