package dev.affixo.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClickEventCodecTest {

    private static final String V1_HEAD = "{\"v\":1,\"event_id\":\"0195508c-1e00-7a3b-9c41-2f6d8e0a1b2c\","
            + "\"workspace_id\":42,\"link_id\":7001,\"affiliate_id\":501,";
    private static final String V1_TAIL = "\"key_id\":12,\"received_at\":1740830400123}";

    @Test
    void everyFieldRoundTrips() {
        ClickEvent full = ClickTextTest.event("spring-sale", "vis-\uD83D\uDE00", "fp", "https://shop.example/p?x=1",
                "https://blog.example/", "order-1");

        assertThat(ClickEventCodec.decode(ClickEventCodec.encode(full))).isEqualTo(full);
    }

    @Test
    void absentOptionalFieldsRoundTripAsNull() {
        ClickEvent sparse = new ClickEvent("0195508c-1e00-7a3b-9c41-2f6d8e0a1b2c", 1, 2, 3, null, "r", "v",
                MatchMethod.NEW, 0.0, null, null, null, 4, null, Instant.ofEpochMilli(5));

        byte[] bytes = ClickEventCodec.encode(sparse);

        assertThat(ClickEventCodec.decode(bytes)).isEqualTo(sparse);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .startsWith("{\"v\":1,")
                .doesNotContain("campaign_id", "fingerprint", "\"url\"", "referrer", "idempotency_key");
    }

    @Test
    void anOriginMakesItVersion2AndRoundTrips() {
        ClickEvent withOrigin = ClickTextTest.event("spring-sale", "v", null, null, null, null)
                .withOrigin(new ClickOrigin("Mozilla/5.0 \uD83D\uDE00", "81.2.69.0/24", "ab12", "GB", 15169L, true, false));

        byte[] bytes = ClickEventCodec.encode(withOrigin);

        assertThat(ClickEventCodec.decode(bytes)).isEqualTo(withOrigin);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .startsWith("{\"v\":2,")
                .contains("\"hosting_network\":true", "\"asn\":15169")
                .doesNotContain("anonymous_proxy");
    }

    @Test
    void aPartialOriginKeepsItsAbsentMembersAbsent() {
        ClickEvent uaOnly = ClickTextTest.event("r", "v", null, null, null, null)
                .withOrigin(new ClickOrigin("curl/8.5.0", null, null, null, null, false, false));

        byte[] bytes = ClickEventCodec.encode(uaOnly);

        assertThat(ClickEventCodec.decode(bytes).origin()).isEqualTo(uaOnly.origin());
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .doesNotContain("ip_prefix", "ip_hash", "country", "asn", "hosting_network", "anonymous_proxy");
    }

    @Test
    void aVersion1RecordHasNoOrigin() {
        assertThat(decode(V1_HEAD + "\"ref\":\"r\",\"visitor_id\":\"v\",\"match_method\":\"new\","
                + "\"match_confidence\":0,\"user_agent\":\"ignored in v1\"," + V1_TAIL).origin())
                .isEqualTo(ClickOrigin.NONE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"user_agent\":1,                  | user_agent is not a string",
            "\"asn\":\"AS15169\",               | asn is not an integer",
            "\"hosting_network\":\"yes\",       | hosting_network is not a boolean",
    })
    void aVersion2RecordWithABadOriginMemberNamesIt(String member, String reason) {
        String json = V1_HEAD.replace("\"v\":1", "\"v\":2") + "\"ref\":\"r\",\"visitor_id\":\"v\","
                + "\"match_method\":\"new\",\"match_confidence\":0," + member + V1_TAIL;

        assertThatThrownBy(() -> decode(json)).isInstanceOf(UnreadableEventException.class).hasMessage(reason);
    }

    @Test
    void readsAHandWrittenVersion1Record() {
        ClickEvent e = decode(V1_HEAD + "\"ref\":\"r\",\"visitor_id\":\"v\",\"match_method\":\"fingerprint\","
                + "\"match_confidence\":0.8,\"fingerprint\":null," + V1_TAIL);

        assertThat(e).isEqualTo(new ClickEvent("0195508c-1e00-7a3b-9c41-2f6d8e0a1b2c", 42, 7001, 501, null, "r", "v",
                MatchMethod.FINGERPRINT, 0.8, null, null, null, 12, null, Instant.ofEpochMilli(1740830400123L)));
    }

    @Test
    void emptyOrMissingValueIsUnreadable() {
        assertThatThrownBy(() -> ClickEventCodec.decode(null)).hasMessage("empty record value");
        assertThatThrownBy(() -> ClickEventCodec.decode(new byte[0])).hasMessage("empty record value");
    }

    @Test
    void bytesThatAreNotJsonAreUnreadable() {
        assertThatThrownBy(() -> decode("not json"))
                .isInstanceOf(UnreadableEventException.class).hasMessageStartingWith("not JSON: ");
        assertThatThrownBy(() -> decode("{\"v\":1"))
                .isInstanceOf(UnreadableEventException.class).hasMessageStartingWith("not JSON: ");
    }

    @Test
    void aDuplicateMemberNameIsUnreadableNotLastOneWins() {
        String twoRefs = V1_HEAD + "\"ref\":\"a\",\"ref\":\"b\",\"visitor_id\":\"v\",\"match_method\":\"cookie\","
                + "\"match_confidence\":1.0," + V1_TAIL;
        String nested = V1_HEAD + "\"ref\":\"a\",\"visitor_id\":\"v\",\"match_method\":\"cookie\","
                + "\"match_confidence\":1.0,\"future\":{\"x\":1,\"x\":2}," + V1_TAIL;

        assertThatThrownBy(() -> decode(twoRefs)).isInstanceOf(UnreadableEventException.class)
                .hasMessageStartingWith("not JSON: ").hasMessageContaining("\"ref\"");
        assertThatThrownBy(() -> decode(nested)).isInstanceOf(UnreadableEventException.class)
                .hasMessageStartingWith("not JSON: ").hasMessageContaining("\"x\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1,2]                | not a JSON object",
            "\"text\"             | not a JSON object",
            "{}                   | missing format version \"v\"",
            "{\"v\":\"1\"}        | missing format version \"v\"",
            "{\"v\":1.5}          | missing format version \"v\"",
            "{\"v\":99}           | unsupported format version 99",
            "{\"v\":1}            | missing event_id",
    })
    void recordsThatAreNotAClickEventSayWhy(String json, String reason) {
        assertThatThrownBy(() -> decode(json)).isInstanceOf(UnreadableEventException.class).hasMessage(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"ref\":7,\"visitor_id\":\"v\",\"match_method\":\"cookie\",\"match_confidence\":1.0,"
                    + "                                                      | ref is not a string",
            "\"visitor_id\":\"v\",\"match_method\":\"cookie\",\"match_confidence\":1.0, | missing ref",
            "\"ref\":\"r\",\"visitor_id\":\"v\",\"match_method\":\"psychic\",\"match_confidence\":1.0,"
                    + "                                                      | unknown match_method: psychic",
            "\"ref\":\"r\",\"visitor_id\":\"v\",\"match_method\":\"cookie\","
                    + "                                                      | missing match_confidence",
            "\"ref\":\"r\",\"visitor_id\":\"v\",\"match_method\":\"cookie\",\"match_confidence\":1.0,\"campaign_id\":1.5,"
                    + "                                                      | campaign_id is not an integer",
            "\"ref\":\"r\",\"visitor_id\":\"v\",\"match_method\":\"cookie\",\"match_confidence\":1.0,\"url\":[],"
                    + "                                                      | url is not a string",
    })
    void aVersion1RecordWithABadFieldNamesIt(String middle, String reason) {
        assertThatThrownBy(() -> decode(V1_HEAD + middle + V1_TAIL))
                .isInstanceOf(UnreadableEventException.class).hasMessage(reason);
    }

    private static ClickEvent decode(String json) {
        return ClickEventCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    }
}
