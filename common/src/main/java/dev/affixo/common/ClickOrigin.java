package dev.affixo.common;

/**
 * What the ingest API learned about the visitor behind a click, with the raw IP address already gone: the
 * request's {@code ip} never leaves the API, only what is derived from it here.
 *
 * <p>These are facts, not verdicts. The click-processor turns them into labels ({@code traffic},
 * {@code bot_reason}) with the rules of the running version, so a replay can re-label history when the rules
 * change; the API only states what it saw.
 *
 * @param userAgent       the visitor's User-Agent as the client sent it ({@link ClickField#USER_AGENT}), or null
 * @param ipPrefix        the network of the visitor's address: IPv4 /24 ({@code 203.0.113.0/24}), IPv6 /48
 *                        ({@code 2001:db8:1::/48}), or null without {@code ip}
 * @param ipHash          lowercase hex HMAC-SHA-256 of the full address under the configured secret, or null
 * @param country         ISO 3166-1 alpha-2 code from the configured GeoIP database, or null
 * @param asn             autonomous system number from the configured ASN database, or null
 * @param hostingNetwork  the anonymous-IP database lists the address as a hosting provider's
 * @param anonymousProxy  the anonymous-IP database lists it as a VPN, public or residential proxy, or Tor exit
 */
public record ClickOrigin(
        String userAgent,
        String ipPrefix,
        String ipHash,
        String country,
        Long asn,
        boolean hostingNetwork,
        boolean anonymousProxy) {

    /** A click that came with neither {@code ip} nor {@code user_agent}: the seed's clients send these. */
    public static final ClickOrigin NONE = new ClickOrigin(null, null, null, null, null, false, false);

    public boolean isNone() {
        return equals(NONE);
    }
}
