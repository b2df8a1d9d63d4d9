package dev.affixo.ingest.origin;

import dev.affixo.common.ClickOrigin;

/**
 * What a click keeps of its visitor: the user agent as sent, and from the address only its network
 * ({@link IpPrefix}), its keyed hash ({@link IpHasher}) and what the configured MaxMind databases say about it
 * ({@link GeoIpDatabases}). The address itself goes no further than this call: it is in no event, row, log line or
 * object that outlives the request's parsing.
 */
public final class VisitorOrigins {

    private final IpHasher hasher;
    private final GeoIpDatabases databases;

    public VisitorOrigins(IpHasher hasher, GeoIpDatabases databases) {
        this.hasher = hasher;
        this.databases = databases;
    }

    /**
     * @param address   the visitor's address as {@link IpLiteral#parse} returned it (4 or 16 bytes), or null
     * @param userAgent the visitor's User-Agent, already checked against its field's rules, or null
     */
    public ClickOrigin of(byte[] address, String userAgent) {
        if (address == null) {
            return userAgent == null ? ClickOrigin.NONE
                    : new ClickOrigin(userAgent, null, null, null, null, false, false);
        }
        GeoFacts geo = databases.any() ? databases.lookup(address) : GeoFacts.UNKNOWN;
        return new ClickOrigin(userAgent, IpPrefix.of(address), hasher.hash(address), geo.country(), geo.asn(),
                geo.hostingNetwork(), geo.anonymousProxy());
    }
}
