package dev.affixo.ingest.origin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpPrefixTest {

    @ParameterizedTest
    @CsvSource({
            "81.2.69.142, 81.2.69.0/24",
            "0.0.0.0, 0.0.0.0/24",
            "255.255.255.255, 255.255.255.0/24",
            "::ffff:203.0.113.7, 203.0.113.0/24",
            "2001:db8:1:2:3:4:5:6, 2001:db8:1::/48",
            "2001:0DB8:0001:ffff::, 2001:db8:1::/48",
            "2001:0:0:1::, 2001::/48",
            "0:0:1::, 0:0:1::/48",
            "::1, ::/48",
            "fe80::1, fe80::/48",
            "2001:db8:abcd:12::1, 2001:db8:abcd::/48",
    })
    void keepsTheNetworkInCanonicalText(String address, String prefix) {
        assertThat(IpPrefix.of(IpLiteral.parse(address))).isEqualTo(prefix);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1,0,0,0,0,0,0,1 | 1::1",
            "1,0,0,1,0,0,0,1 | 1:0:0:1::1",
            "1,0,0,2,0,0,3,4 | 1::2:0:0:3:4",
            "1,2,3,4,5,6,7,0 | 1:2:3:4:5:6:7:0",
            "0,0,0,0,0,0,0,0 | ::",
            "abcd,ef,0,0,0,0,0,0 | abcd:ef::",
    })
    void writesRfc5952Text(String groups, String text) {
        int[] values = java.util.Arrays.stream(groups.split(",")).mapToInt(g -> Integer.parseInt(g, 16)).toArray();
        assertThat(IpPrefix.ipv6Text(values)).isEqualTo(text);
    }
}
