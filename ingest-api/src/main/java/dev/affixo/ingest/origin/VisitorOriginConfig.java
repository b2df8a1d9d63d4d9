package dev.affixo.ingest.origin;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires {@link VisitorOrigins} from its settings; a configured database that cannot be opened stops the start. */
@Configuration(proxyBeanMethods = false)
class VisitorOriginConfig {

    private static final Logger log = LoggerFactory.getLogger(VisitorOriginConfig.class);

    @Bean(destroyMethod = "close")
    GeoIpDatabases geoIpDatabases(GeoIpProperties properties) {
        return new GeoIpDatabases(properties);
    }

    @Bean
    VisitorOrigins visitorOrigins(IpHashProperties hashing, GeoIpDatabases databases) {
        return new VisitorOrigins(new IpHasher(secret(hashing)), databases);
    }

    /**
     * Unset is allowed so the seed's clients and a laptop start without ceremony; but then each process hashes
     * under its own random secret, and an operator must hear that the hashes of two instances (or of one instance
     * before and after a restart) never match.
     */
    static byte[] secret(IpHashProperties hashing) {
        if (hashing.secret() != null && !hashing.secret().isBlank()) {
            return hashing.secret().getBytes(StandardCharsets.UTF_8);
        }
        log.warn("affixo.ingest.ip-hash.secret (AFFIXO_INGEST_IP_HASH_SECRET) is not set: ip_hash uses a random "
                + "secret of this process, so hashes match neither another instance's nor this one's after a "
                + "restart (velocity labels then see fewer repeats). Set the same secret on every instance.");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return random;
    }
}
