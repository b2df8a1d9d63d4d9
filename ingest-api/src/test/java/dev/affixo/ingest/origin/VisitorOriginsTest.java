package dev.affixo.ingest.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.common.ClickOrigin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a click keeps of its visitor, against MaxMind's own test databases (copied into src/test/resources/maxmind
 * with their licences); the expected values are those databases' source data (maxmind/MaxMind-DB test-data).
 */
class VisitorOriginsTest {

    private static GeoIpDatabases databases;
    private static VisitorOrigins origins;

    @BeforeAll
    static void open() {
        databases = new GeoIpDatabases(TestOrigins.testDatabases());
        origins = new VisitorOrigins(TestOrigins.hasher(), databases);
    }

    @AfterAll
    static void close() {
        databases.close();
    }

    private static ClickOrigin of(String ip) {
        return origins.of(IpLiteral.parse(ip), "ua");
    }

    @Test
    void countryAsnAndNetworkKindComeFromTheDatabases() {
        // 81.2.69.0/24 is listed as every kind of anonymous network in the Anonymous-IP test data
        assertThat(of("81.2.69.142")).isEqualTo(new ClickOrigin("ua", "81.2.69.0/24", hash(81, 2, 69, 142), "GB",
                null, true, true));
        assertThat(of("1.0.0.1")).isEqualTo(new ClickOrigin("ua", "1.0.0.0/24", hash(1, 0, 0, 1), null, 15169L,
                false, false));
        assertThat(of("12.81.92.7").asn()).isEqualTo(7018L);
        assertThat(of("216.160.83.56").country()).isEqualTo("US");
        assertThat(of("2001:218::1").country()).isEqualTo("JP");
        assertThat(of("2001:218::1").ipPrefix()).isEqualTo("2001:218::/48");
    }

    @Test
    void hostingAndAnonymousProxyAreToldApart() {
        ClickOrigin vpn = of("1.2.3.4"); // 1.2.0.0/16: anonymous VPN
        assertThat(vpn.anonymousProxy()).isTrue();
        assertThat(vpn.hostingNetwork()).isFalse();
        ClickOrigin hosting = of("71.160.223.9"); // 71.160.223.0/24: hosting provider only
        assertThat(hosting.hostingNetwork()).isTrue();
        assertThat(hosting.anonymousProxy()).isFalse();
        assertThat(of("6.1.0.3").anonymousProxy()).as("public proxy").isTrue();
        assertThat(of("6.1.0.4").anonymousProxy()).as("residential proxy").isTrue();
        assertThat(of("65.0.0.1").anonymousProxy()).as("Tor exit").isTrue();
        assertThat(of("6.1.0.2")).extracting(ClickOrigin::hostingNetwork, ClickOrigin::anonymousProxy)
                .containsExactly(true, false);
        assertThat(of("6.1.0.5")).extracting(ClickOrigin::hostingNetwork, ClickOrigin::anonymousProxy)
                .containsExactly(false, false);
    }

    @Test
    void aCityDatabaseServesAsTheCountryDatabase() {
        try (GeoIpDatabases city = new GeoIpDatabases(
                new GeoIpProperties(TestOrigins.testDatabase("GeoLite2-City-Test.mmdb"), null, null))) {
            VisitorOrigins withCity = new VisitorOrigins(TestOrigins.hasher(), city);
            assertThat(withCity.of(IpLiteral.parse("81.2.69.142"), null).country()).isEqualTo("GB");
            assertThat(withCity.of(IpLiteral.parse("2001:218::1"), null).country()).isEqualTo("JP");
            assertThat(withCity.of(IpLiteral.parse("81.2.69.142"), null).asn()).isNull();
        }
    }

    @Test
    void withoutDatabasesOnlyPrefixAndHashAreKept() {
        assertThat(TestOrigins.withoutDatabases().of(IpLiteral.parse("81.2.69.142"), null))
                .isEqualTo(new ClickOrigin(null, "81.2.69.0/24", hash(81, 2, 69, 142), null, null, false, false));
        assertThat(TestOrigins.withoutDatabases().of(null, "ua"))
                .isEqualTo(new ClickOrigin("ua", null, null, null, null, false, false));
        assertThat(TestOrigins.withoutDatabases().of(null, null)).isSameAs(ClickOrigin.NONE);
    }

    @Test
    void theHashIsHmacSha256OfTheAddressBytesUnderTheSecret() throws Exception {
        byte[] v6 = IpLiteral.parse("2001:db8::7");
        assertThat(v6).hasSize(16);
        assertThat(TestOrigins.hasher().hash(v6)).isEqualTo(referenceHmac(TestOrigins.SECRET, v6));
        assertThat(TestOrigins.hasher().hash(v6)).as("the same Mac, reused").isEqualTo(referenceHmac(TestOrigins.SECRET, v6));
        assertThat(new IpHasher("another-secret-0123456789".getBytes(StandardCharsets.UTF_8)).hash(v6))
                .isNotEqualTo(TestOrigins.hasher().hash(v6));
    }

    @Test
    void anUnreadableOrWrongDatabaseStopsTheStartNamingTheSetting(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.mmdb");
        assertThatThrownBy(() -> new GeoIpDatabases(new GeoIpProperties(null, missing, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("affixo.ingest.geoip.asn-database: cannot read " + missing);
        Path garbage = Files.writeString(dir.resolve("garbage.mmdb"), "not a database");
        assertThatThrownBy(() -> new GeoIpDatabases(new GeoIpProperties(garbage, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("affixo.ingest.geoip.country-database: " + garbage + " is not a MaxMind database");
        assertThatThrownBy(() -> new GeoIpDatabases(new GeoIpProperties(null, null,
                TestOrigins.testDatabase("GeoLite2-ASN-Test.mmdb"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("affixo.ingest.geoip.anonymous-ip-database")
                .hasMessageContaining("is a GeoLite2-ASN database; expected a GeoIP2 Anonymous IP database");
    }

    private static String hash(int... octets) {
        byte[] address = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            address[i] = (byte) octets[i];
        }
        try {
            return referenceHmac(TestOrigins.SECRET, address);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Written out with the JDK's API directly, independent of {@link IpHasher}. */
    private static String referenceHmac(String secret, byte[] address) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(address));
    }
}
