package dev.affixo.ingest.origin;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.AnonymousIpResponse;
import com.maxmind.geoip2.record.Country;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's MaxMind databases, opened once at start and read per click on the event loop. A lookup is a
 * walk of a memory-mapped search tree plus the decoding of one record; {@link CHMCache} keeps decoded records, so
 * the common networks cost a tree walk only. No lookup touches the network or waits for a lock.
 */
public final class GeoIpDatabases implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(GeoIpDatabases.class);
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final DatabaseReader country;
    private final boolean countryIsCity;
    private final DatabaseReader asn;
    private final DatabaseReader anonymousIp;
    private final LongAdder failedLookups = new LongAdder();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS - 1);

    /**
     * @throws IllegalStateException naming the setting, when a configured database cannot be read or is of
     *                               another kind
     */
    public GeoIpDatabases(GeoIpProperties properties) {
        List<Closeable> opened = new ArrayList<>();
        try {
            this.country = open("affixo.ingest.geoip.country-database", properties.countryDatabase(),
                    type -> type.contains("Country") || type.contains("City"),
                    "a GeoIP2/GeoLite2 Country or City database", opened);
            this.countryIsCity = country != null && !country.getMetadata().databaseType().contains("Country");
            this.asn = open("affixo.ingest.geoip.asn-database", properties.asnDatabase(),
                    type -> type.contains("ASN"), "a GeoLite2 ASN database", opened);
            this.anonymousIp = open("affixo.ingest.geoip.anonymous-ip-database", properties.anonymousIpDatabase(),
                    type -> type.contains("Anonymous-IP"), "a GeoIP2 Anonymous IP database", opened);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** Whether any database is configured; without one, lookups are skipped altogether. */
    public boolean any() {
        return country != null || asn != null || anonymousIp != null;
    }

    /** @param address 4 or 16 bytes */
    GeoFacts lookup(byte[] address) {
        InetAddress inet;
        try {
            inet = InetAddress.getByAddress(address); // bytes only: never a name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
        String isoCode = null;
        Long asNumber = null;
        boolean hosting = false;
        boolean anonymous = false;
        try {
            if (country != null) {
                Optional<Country> found = countryIsCity
                        ? country.tryCity(inet).map(city -> city.country())
                        : country.tryCountry(inet).map(response -> response.country());
                isoCode = found.map(Country::isoCode).orElse(null);
            }
            if (asn != null) {
                asNumber = asn.tryAsn(inet).map(response -> response.autonomousSystemNumber()).orElse(null);
            }
            if (anonymousIp != null) {
                Optional<AnonymousIpResponse> found = anonymousIp.tryAnonymousIp(inet);
                hosting = found.map(AnonymousIpResponse::isHostingProvider).orElse(false);
                anonymous = found.map(GeoIpDatabases::isAnonymousProxy).orElse(false);
            }
        } catch (IOException | GeoIp2Exception | RuntimeException e) {
            // A damaged database: the click still counts, without these facts (never a 500 for it). Never the
            // exception's message or trace: the library may put the address in it, and no log line has one.
            failedLookups.increment();
            long now = System.nanoTime();
            long last = lastWarning.get();
            // once a minute at most: a damaged file fails every lookup, and a line per click would bury the log
            if (now - last > WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
                log.warn("GeoIP lookups fail ({}, {} so far); the clicks are kept without country/asn/network facts",
                        e.getClass().getSimpleName(), failedLookups.sum());
            }
        }
        return new GeoFacts(isoCode, asNumber, hosting, anonymous);
    }

    /** A VPN, a public or residential proxy, or a Tor exit: someone else's address in front of the visitor. */
    private static boolean isAnonymousProxy(AnonymousIpResponse r) {
        return r.isAnonymousVpn() || r.isPublicProxy() || r.isResidentialProxy() || r.isTorExitNode();
    }

    private static DatabaseReader open(String setting, Path path, Predicate<String> expectedType, String expected,
                                       List<Closeable> opened) {
        if (path == null) {
            return null;
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalStateException(setting + ": cannot read " + path.toAbsolutePath()
                    + " (not a readable file); set it to a MaxMind .mmdb file or leave it unset");
        }
        DatabaseReader reader;
        try {
            reader = new DatabaseReader.Builder(path.toFile()).withCache(new CHMCache()).build();
        } catch (IOException e) {
            throw new IllegalStateException(setting + ": " + path.toAbsolutePath() + " is not a MaxMind database ("
                    + e.getMessage() + ")", e);
        }
        opened.add(reader);
        String type = reader.getMetadata().databaseType();
        if (!expectedType.test(type)) {
            throw new IllegalStateException(setting + ": " + path.toAbsolutePath() + " is a " + type
                    + " database; expected " + expected);
        }
        log.info("{}: {} ({}, built {})", setting, path.toAbsolutePath(), type, reader.getMetadata().buildTime());
        return reader;
    }

    @Override
    public void close() {
        List<Closeable> all = new ArrayList<>();
        for (DatabaseReader r : new DatabaseReader[] {country, asn, anonymousIp}) {
            if (r != null) {
                all.add(r);
            }
        }
        closeAll(all);
    }

    private static void closeAll(List<Closeable> readers) {
        for (Closeable r : readers) {
            try {
                r.close();
            } catch (IOException e) {
                log.debug("closing a GeoIP database", e);
            }
        }
    }
}
