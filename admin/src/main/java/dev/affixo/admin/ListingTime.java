package dev.affixo.admin;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the listings print a timestamp: UTC to the second, {@code -} when there is none. */
public final class ListingTime {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private ListingTime() {
    }

    public static String format(OffsetDateTime t) {
        return t == null ? "-" : FORMAT.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
