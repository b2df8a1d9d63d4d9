package dev.affixo.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickOrigin;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RequestDigestTest {

    @Test
    void equalFieldsGiveEqualDigests() {
        assertThat(RequestDigest.of("ref", "v", null, "https://x.example/", null))
                .isEqualTo(RequestDigest.of("ref", "v", null, "https://x.example/", null))
                .hasSize(32);
    }

    /** Digests are stored in idempotency_keys: the encoding may never change (value computed independently). */
    @Test
    void theDigestOfAKnownRequestNeverChanges() {
        assertThat(java.util.HexFormat.of().formatHex(RequestDigest.of("ref", "v", null, "https://x.example/", null)))
                .isEqualTo("8dcca2e45e6f24cfd7845146abb99eed02aadebf36f404ee82a0623af5f72a4b");
    }

    @Test
    void absentAndEmptyAndShiftedBoundariesAreDifferentBodies() {
        byte[] absent = RequestDigest.of("ref", null);
        assertThat(RequestDigest.of("ref", "")).isNotEqualTo(absent);
        assertThat(RequestDigest.of("ab", "c")).isNotEqualTo(RequestDigest.of("a", "bc"));
        assertThat(RequestDigest.of("ref", null, "x")).isNotEqualTo(RequestDigest.of("ref", "x", null));
    }

    /**
     * A click without user_agent and ip digests exactly as before they existed (a retry across the upgrade still
     * matches its first body); with them, each is fed behind its own tag. Values computed independently (Python:
     * SHA-256 over big-endian int32 length + UTF-8 bytes per field, -1 for null).
     */
    @Test
    void userAgentAndIpHashAreFedOnlyWhenPresentBehindTheirTags() {
        assertThat(HexFormat.of().formatHex(RequestDigest.of(ClickOrigin.NONE, "ref", "v", null, "https://x.example/", null)))
                .isEqualTo("8dcca2e45e6f24cfd7845146abb99eed02aadebf36f404ee82a0623af5f72a4b");
        ClickOrigin both = new ClickOrigin("Mozilla/5.0", "81.2.69.0/24", "ab12", "GB", 15169L, true, true);
        assertThat(HexFormat.of().formatHex(RequestDigest.of(both, "ref", "v", null, "https://x.example/", null)))
                .isEqualTo("3e5e09356f3da2638852036d180623fa74d049a7ec47762dd3bc983a7d114fd8");
        ClickOrigin hashOnly = new ClickOrigin(null, "81.2.69.0/24", "ab12", null, null, false, false);
        assertThat(HexFormat.of().formatHex(RequestDigest.of(hashOnly, "ref", "v", null, "https://x.example/", null)))
                .isEqualTo("7bc49bdd1367eaec3e3b26f807b02e22299ac211dd2ef4f403b9b929e4331ecf");
    }

    /** What the processor compares (ClickEvent.sameRequestAs) is what makes another body here: not the prefix or facts. */
    @Test
    void onlyUserAgentAndIpHashOfTheOriginMakeAnotherBody() {
        ClickOrigin a = new ClickOrigin("ua", "81.2.69.0/24", "ab12", "GB", 1L, true, false);
        ClickOrigin sameHashOtherFacts = new ClickOrigin("ua", "81.2.69.0/24", "ab12", null, null, false, true);
        assertThat(RequestDigest.of(sameHashOtherFacts, "ref")).isEqualTo(RequestDigest.of(a, "ref"));
        assertThat(RequestDigest.of(new ClickOrigin("ua", "81.2.69.0/24", "ab13", "GB", 1L, true, false), "ref"))
                .isNotEqualTo(RequestDigest.of(a, "ref"));
        assertThat(RequestDigest.of(new ClickOrigin("ub", "81.2.69.0/24", "ab12", "GB", 1L, true, false), "ref"))
                .isNotEqualTo(RequestDigest.of(a, "ref"));
    }
}
