package dev.affixo.ingest.origin;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * MaxMind databases the operator supplies ({@code affixo.ingest.geoip.*}, or {@code AFFIXO_INGEST_GEOIP_*}); each
 * optional, none by default, since GeoIP2 and GeoLite2 need a MaxMind licence. A configured path that cannot be
 * opened, or holds another kind of database, stops the start with a message naming the setting: running on
 * without it would quietly store clicks without the facts the operator asked for.
 *
 * @param countryDatabase     a GeoIP2/GeoLite2 Country or City database: {@code country}
 * @param asnDatabase         a GeoLite2 ASN database: {@code asn}
 * @param anonymousIpDatabase a GeoIP2 Anonymous IP database: {@code hosting_network}, {@code anonymous_proxy}
 */
@ConfigurationProperties("affixo.ingest.geoip")
public record GeoIpProperties(Path countryDatabase, Path asnDatabase, Path anonymousIpDatabase) {
}
