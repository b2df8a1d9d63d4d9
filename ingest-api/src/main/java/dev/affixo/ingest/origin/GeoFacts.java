package dev.affixo.ingest.origin;

/**
 * What the configured MaxMind databases say about one address; null or false where no database is configured or
 * the address is not in it.
 */
record GeoFacts(String country, Long asn, boolean hostingNetwork, boolean anonymousProxy) {

    static final GeoFacts UNKNOWN = new GeoFacts(null, null, false, false);
}
