package dev.affixo.ingest.config;

import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** JDBI over Boot's pooled {@code DataSource}: the repositories of {@code auth} and {@code links} share it. */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig {

    @Bean
    Jdbi jdbi(DataSource dataSource) {
        return Jdbi.create(dataSource);
    }
}
