package dev.affixo.ingest.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

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
}
