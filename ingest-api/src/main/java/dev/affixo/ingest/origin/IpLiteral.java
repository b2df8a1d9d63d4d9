package dev.affixo.ingest.origin;

import java.util.Arrays;

/**
 * The request's {@code ip} read as an address literal, and never anything else: {@code InetAddress.getByName}
 * would resolve a host name ({@code "localhost"}, {@code "attacker.example"}) through DNS, on the event loop,
 * so text is parsed here character by character, allocating only the result.
 *
 * <p>Accepted: IPv4 as a dotted quad of decimal numbers 0–255 without leading zeros ({@code 01.2.3.4} is
 * refused: some readers take it as octal, and then it names another address); IPv6 in RFC 4291 text, with
 * {@code ::} once at most and an embedded dotted quad as the last 32 bits. Refused: anything else, including
 * brackets, ports, zone ids ({@code fe80::1%eth0} names an interface on the client's host, not a visitor),
 * and whitespace.
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:203.0.113.7}, {@code ::ffff:cb00:7107}) is that IPv4
 * address: dual-stack servers report IPv4 visitors this way, and the same visitor must get the same prefix
 * and hash whichever form the merchant's stack produced.
 */
public final class IpLiteral {

    /** {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}: no literal is longer. */
    static final int MAX_LENGTH = 45;

    private IpLiteral() {
    }

    /** @return the address's 4 (IPv4, also for IPv4-mapped IPv6) or 16 bytes, or null when the text is not a literal */
    public static byte[] parse(String text) {
        if (text.isEmpty() || text.length() > MAX_LENGTH) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return parseIpv4(text, 0, text.length());
        }
        byte[] v6 = parseIpv6(text);
        return v6 != null && isIpv4Mapped(v6) ? Arrays.copyOfRange(v6, 12, 16) : v6;
    }

    /** A dotted quad in {@code text[from, to)}, or null. */
    private static byte[] parseIpv4(String text, int from, int to) {
        byte[] address = new byte[4];
        int part = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && isDigit(text.charAt(i))) {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return null;
                }
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return null;
            }
            address[part++] = (byte) value;
            if (part == 4) {
                return i == to ? address : null;
            }
            if (i >= to || text.charAt(i) != '.') {
                return null;
            }
            i++;
        }
    }

    /** RFC 4291 §2.2 text, all three forms, or null. */
    private static byte[] parseIpv6(String text) {
        byte[] address = new byte[16];
        int length = text.length();
        int groups = 0;        // 16-bit groups written so far
        int gap = -1;          // group index where "::" stands, if any
        int i = 0;
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == length) {
                return address;
            }
        } else if (text.charAt(0) == ':') {
            return null;
        }
        while (i < length) {
            if (groups == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < length && hexValue(text.charAt(i)) >= 0) {
                value = (value << 4) | hexValue(text.charAt(i));
                i++;
                if (i - start > 4) {
                    return null;
                }
            }
            if (i < length && text.charAt(i) == '.') {
                // an embedded dotted quad: the last 32 bits, so it must end the text and fit in two groups
                if (groups > 6) {
                    return null;
                }
                byte[] v4 = parseIpv4(text, start, length);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, address, groups * 2, 4);
                groups += 2;
                i = length;
                break;
            }
            if (i == start) {
                return null;
            }
            address[groups * 2] = (byte) (value >>> 8);
            address[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == length) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < length && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null; // "::" twice
                }
                gap = groups;
                i++;
            } else if (i == length) {
                return null; // a single trailing ':'
            }
        }
        if (gap < 0) {
            return groups == 8 ? address : null;
        }
        if (groups == 8) {
            return null; // "::" must stand for at least one group of zeros
        }
        // move the groups after "::" to the end; the gap between becomes zeros
        int tailBytes = (groups - gap) * 2;
        int shift = 16 - groups * 2;
        System.arraycopy(address, gap * 2, address, gap * 2 + shift, tailBytes);
        Arrays.fill(address, gap * 2, gap * 2 + shift, (byte) 0);
        return address;
    }

    private static boolean isIpv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** ASCII only: {@link Character#digit} would also take fullwidth and other Unicode digits. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
