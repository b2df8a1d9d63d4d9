package dev.affixo.ingest.origin;

import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The secret behind {@code ip_hash} ({@code affixo.ingest.ip-hash.secret}, or {@code AFFIXO_INGEST_IP_HASH_SECRET}).
 * Every ingest instance needs the same one, or one visitor gets a different hash on each instance. Unset, each
 * process makes up a random one and says so (WARN): the seed's clients and a laptop keep working, but hashes then
 * match only within one process's lifetime. Changing it starts new hashes: see docs/traffic-quality-ingest.md.
 *
 * @param secret at least 16 characters (used as its UTF-8 bytes), or unset
 */
@Validated
@ConfigurationProperties("affixo.ingest.ip-hash")
public record IpHashProperties(@Size(min = 16) String secret) {
}
