package dev.affixo.ingest.origin;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@link VisitorOrigins} for tests that run without Spring: a fixed secret, and MaxMind's test databases or none. */
public final class TestOrigins {

    /** The secret the tests hash under; also what {@code IngestApiIntegrationTest} configures. */
    public static final String SECRET = "test-ip-hash-secret-0123456789";

    private TestOrigins() {
    }

    public static VisitorOrigins withoutDatabases() {
        return new VisitorOrigins(hasher(), new GeoIpDatabases(new GeoIpProperties(null, null, null)));
    }

    public static IpHasher hasher() {
        return new IpHasher(SECRET.getBytes(StandardCharsets.UTF_8));
    }

    /** The copies of MaxMind's test databases under src/test/resources/maxmind (see the LICENSE files there). */
    public static Path testDatabase(String fileName) {
        try {
            return Path.of(TestOrigins.class.getResource("/maxmind/" + fileName).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GeoIpProperties testDatabases() {
        return new GeoIpProperties(testDatabase("GeoLite2-Country-Test.mmdb"), testDatabase("GeoLite2-ASN-Test.mmdb"),
                testDatabase("GeoIP2-Anonymous-IP-Test.mmdb"));
    }
}
