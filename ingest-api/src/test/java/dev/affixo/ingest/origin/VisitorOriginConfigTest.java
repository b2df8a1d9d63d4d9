package dev.affixo.ingest.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** How the settings become {@link VisitorOrigins}: the secret (set, unset, too short) and the databases at start. */
@ExtendWith(OutputCaptureExtension.class)
class VisitorOriginConfigTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({IpHashProperties.class, GeoIpProperties.class})
    static class Settings {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class, VisitorOriginConfig.class);

    private static final byte[] ADDRESS = {(byte) 203, 0, 113, 7};

    @Test
    void aConfiguredSecretHashesAsEveryOtherInstanceWithIt() {
        runner.withPropertyValues("affixo.ingest.ip-hash.secret=" + TestOrigins.SECRET).run(context -> {
            ClickOrigin origin = context.getBean(VisitorOrigins.class).of(ADDRESS, null);
            assertThat(origin.ipHash()).isEqualTo(TestOrigins.hasher().hash(ADDRESS));
        });
    }

    @Test
    void withoutASecretEachProcessHashesUnderItsOwnAndSaysSo(CapturedOutput output) {
        String[] hashes = new String[2];
        for (int i = 0; i < 2; i++) {
            int run = i;
            runner.run(context -> hashes[run] = context.getBean(VisitorOrigins.class).of(ADDRESS, null).ipHash());
        }
        assertThat(hashes[0]).hasSize(64).isNotEqualTo(hashes[1]).isNotEqualTo(TestOrigins.hasher().hash(ADDRESS));
        assertThat(output.getOut()).contains("affixo.ingest.ip-hash.secret (AFFIXO_INGEST_IP_HASH_SECRET) is not set");
    }

    @Test
    void aSecretShorterThan16CharactersStopsTheStart() {
        runner.withPropertyValues("affixo.ingest.ip-hash.secret=too-short").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("affixo.ingest.ip-hash.secret");
        });
    }

    @Test
    void anUnreadableDatabaseStopsTheStartNamingTheSetting() {
        runner.withPropertyValues("affixo.ingest.geoip.country-database=/nonexistent/GeoLite2-Country.mmdb")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageStartingWith(
                            "affixo.ingest.geoip.country-database: cannot read /nonexistent/GeoLite2-Country.mmdb");
                });
    }

    @Test
    void configuredDatabasesAreUsed() {
        GeoIpProperties test = TestOrigins.testDatabases();
        runner.withPropertyValues("affixo.ingest.geoip.country-database=" + test.countryDatabase(),
                "affixo.ingest.geoip.asn-database=" + test.asnDatabase(),
                "affixo.ingest.geoip.anonymous-ip-database=" + test.anonymousIpDatabase()).run(context -> {
            ClickOrigin origin = context.getBean(VisitorOrigins.class).of(IpLiteral.parse("81.2.69.142"), null);
            assertThat(origin.country()).isEqualTo("GB");
            assertThat(origin.hostingNetwork()).isTrue();
        });
    }
}
