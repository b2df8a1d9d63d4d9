package dev.affixo.ingest.origin;

/**
 * The network an address belongs to, as kept per click instead of the address: IPv4 /24
 * ({@code 81.2.69.0/24}), IPv6 /48 ({@code 2001:db8:1::/48}) — about what a provider assigns one customer site,
 * enough to see that clicks come from one network, not enough to name a household. Written in the canonical
 * text of RFC 5952 (lowercase, no leading zeros, the longest run of zero groups as {@code ::}), so one network
 * is always one string.
 */
public final class IpPrefix {

    static final int IPV4_BITS = 24;
    static final int IPV6_BITS = 48;

    private IpPrefix() {
    }

    /** @param address 4 or 16 bytes, as {@link IpLiteral#parse} returns them */
    public static String of(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + ".0/" + IPV4_BITS;
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
        }
        int[] groups = new int[8];
        for (int g = 0; g < IPV6_BITS / 16; g++) {
            groups[g] = ((address[2 * g] & 0xff) << 8) | (address[2 * g + 1] & 0xff);
        }
        return ipv6Text(groups) + "/" + IPV6_BITS;
    }

    /** RFC 5952 §4: the first longest run of two or more zero groups becomes {@code ::}. */
    static String ipv6Text(int[] groups) {
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
