package dev.affixo.ingest.origin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link IpLiteral} against the JDK's own literal parser. {@code InetAddress.getByName} resolves host names, so it
 * is only ever given text the JDK itself treats as a literal without asking DNS: text that starts with a hex digit
 * or {@code :} and contains a {@code :} is an IPv6 literal or an {@link UnknownHostException}, never a lookup; a
 * candidate IPv4 text goes in behind {@code ::ffff:}, which the JDK reads as that IPv4 address.
 */
class IpLiteralTest {

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 00000000",
            "255.255.255.255, ffffffff",
            "81.2.69.142, 5102458e",
            "::, 00000000000000000000000000000000",
            "::1, 00000000000000000000000000000001",
            "1::, 00010000000000000000000000000000",
            "2001:DB8::7, 20010db8000000000000000000000007",
            "2001:db8:0:0:1:0:0:1, 20010db8000000000001000000000001",
            "1:2:3:4:5:6:7:8, 00010002000300040005000600070008",
            "1:2:3:4:5:6:7::, 00010002000300040005000600070000",
            "::2:3:4:5:6:7:8, 00000002000300040005000600070008",
            "64:ff9b::192.0.2.33, 0064ff9b0000000000000000c0000221",
            "1:2:3:4:5:6:1.2.3.4, 00010002000300040005000601020304",
            "::ffff:203.0.113.7, cb007107",
            "::FFFF:cb00:7107, cb007107",
            "0:0:0:0:0:ffff:1.2.3.4, 01020304",
            "::1.2.3.4, 00000000000000000000000001020304",
    })
    void readsEveryFormOfALiteral(String text, String hex) {
        assertThat(HexFormat.of().formatHex(IpLiteral.parse(text))).isEqualTo(hex);
    }

    /** Any address, written as the JDK writes it (IPv6 uncompressed) or compressed: read back to its bytes. */
    @Property(tries = 500)
    void everyAddressReadsBackFromItsText(@ForAll @Size(min = 16, max = 16) byte[] v6,
                                          @ForAll @Size(min = 4, max = 4) byte[] v4) throws UnknownHostException {
        byte[] v6Expected = isIpv4Mapped(v6) ? Arrays.copyOfRange(v6, 12, 16) : v6;
        assertThat(IpLiteral.parse(InetAddress.getByAddress(v6).getHostAddress())).isEqualTo(v6Expected);
        assertThat(IpLiteral.parse(compressed(v6))).isEqualTo(v6Expected);
        assertThat(IpLiteral.parse(compressed(v6).toUpperCase())).isEqualTo(v6Expected);
        assertThat(IpLiteral.parse(InetAddress.getByAddress(v4).getHostAddress())).isEqualTo(v4);
    }

    /** Text near the shape of a literal: what one side accepts, the other accepts too, with the same bytes. */
    @Property(tries = 3000)
    void agreesWithTheJdkOnNearLiterals(@ForAll("nearLiterals") String text) {
        byte[] ours = IpLiteral.parse(text);
        byte[] jdk = jdkLiteral(text);
        if (ours != null) {
            assertThat(jdk).as("the JDK reads %s", text).isNotNull();
            assertThat(ours).isEqualTo(jdk);
        } else if (!deliberatelyStricter(text)) {
            assertThat(jdk).as("the JDK refuses %s too", text).isNull();
        }
    }

    @Provide
    Arbitrary<String> nearLiterals() {
        Arbitrary<String> v4Part = Arbitraries.oneOf(Arbitraries.integers().between(0, 300).map(String::valueOf),
                Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(4));
        Arbitrary<String> v4 = v4Part.list().ofMinSize(1).ofMaxSize(5).map(parts -> String.join(".", parts));
        Arbitrary<String> group = Arbitraries.oneOf(Arbitraries.integers().between(0, 0xffff).map(Integer::toHexString),
                Arbitraries.strings().withChars("0123456789abcdefABCDEFg").ofMinLength(0).ofMaxLength(5));
        Arbitrary<String> v6 = group.list().ofMinSize(1).ofMaxSize(9).map(groups -> String.join(":", groups));
        Arbitrary<String> v6WithGap = Combinators.combine(group.list().ofMaxSize(7), group.list().ofMaxSize(7))
                .as((head, tail) -> String.join(":", head) + "::" + String.join(":", tail));
        Arbitrary<String> v6WithV4 = Combinators.combine(Arbitraries.oneOf(v6, v6WithGap), v4)
                .as((head, quad) -> head + ":" + quad);
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789abcdef:.%[]/ ").ofMinLength(1).ofMaxLength(20);
        return Arbitraries.oneOf(v4, v6, v6WithGap, v6WithV4, noise);
    }

    /**
     * Forms the JDK takes and {@link IpLiteral} refuses on purpose: zone ids, leading zeros in a dotted quad, and a
     * group of more than four hex digits ({@code 0a000}: the JDK bounds a group's value, RFC 4291 its digits).
     */
    private static boolean deliberatelyStricter(String text) {
        return text.contains("%") || text.matches("(.*[:.])?0\\d.*") || text.matches("(.*:)?0\\d*\\.\\d.*")
                || text.matches("(.*:)?[0-9a-fA-F]{5,}(:.*)?");
    }

    /** The JDK's reading of a literal, or null; never a DNS query (see the class comment). */
    private static byte[] jdkLiteral(String text) {
        boolean ipv4 = text.indexOf(':') < 0;
        String literal = ipv4 ? "::ffff:" + text : text;
        if (text.isEmpty() || literal.contains("[") || literal.contains("]")
                || !(Character.digit(literal.charAt(0), 16) >= 0 || literal.charAt(0) == ':')) {
            return null; // a DNS name to the JDK, or brackets it would strip: not literal text to us either
        }
        try {
            InetAddress address = InetAddress.getByName(literal);
            if (ipv4 && !(address instanceof Inet4Address)) {
                return null; // "::ffff:" + "0" is the IPv6 address ::ffff:0, not an IPv4 one
            }
            if (address instanceof Inet6Address six && six.getScopeId() != 0) {
                return null;
            }
            return address instanceof Inet4Address || address instanceof Inet6Address ? address.getAddress() : null;
        } catch (UnknownHostException | IllegalArgumentException notALiteral) {
            return null;
        }
    }

    private static boolean isIpv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    }

    private static String compressed(byte[] v6) {
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = ((v6[2 * g] & 0xff) << 8) | (v6[2 * g + 1] & 0xff);
        }
        return IpPrefix.ipv6Text(groups);
    }
}
