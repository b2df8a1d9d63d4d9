package dev.affixo.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void nameBasedIdsNeverChangeAcrossReleases() {
        // Retried requests are matched by these ids, possibly across a deployment: the derivation is a
        // contract. Expected values computed independently (SHA-256 over 4-byte-length-prefixed UTF-8 parts).
        assertThat(Ids.nameBased("affixo.event", "42", "order-1"))
                .isEqualTo(UUID.fromString("1569547d-68ab-8354-bb01-d4195ca0c273"));
        assertThat(Ids.nameBased("affixo.visitor.fingerprint", "42", "fp-\uD83D\uDE00"))
                .isEqualTo(UUID.fromString("39762707-172d-85b3-a01f-2477ef64b518"));
    }

    @Test
    void nameBasedIdsAreDeterministicVersion8() {
        UUID id = Ids.nameBased("ns", "a", "b");

        assertThat(Ids.nameBased("ns", "a", "b")).isEqualTo(id);
        assertThat(id.version()).isEqualTo(8);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void partsAreLengthPrefixedSoShiftingABoundaryChangesTheId() {
        assertThat(Ids.nameBased("ns", "ab", "c")).isNotEqualTo(Ids.nameBased("ns", "a", "bc"));
        assertThat(Ids.nameBased("ns", "ab")).isNotEqualTo(Ids.nameBased("ns", "a", "b"));
        assertThat(Ids.nameBased("nsa", "b")).isNotEqualTo(Ids.nameBased("ns", "ab"));
        assertThat(Ids.nameBased("ns", "", "a")).isNotEqualTo(Ids.nameBased("ns", "a", ""));
    }

    @Test
    void timeOrderedIdsAreVersion7StrictlyIncreasingAndCarryTheirMillis() {
        long before = System.currentTimeMillis();
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Ids.newTimeOrdered());
        }
        long after = System.currentTimeMillis();

        for (int i = 1; i < ids.size(); i++) {
            // The canonical text sorts as the bits do; that order is what PostgreSQL and Kafka keys see.
            assertThat(ids.get(i).toString()).isGreaterThan(ids.get(i - 1).toString());
        }
        for (UUID id : ids) {
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
        }
        // 10 000 ids overflow the 12-bit counter of one millisecond; the carry may run ahead of the clock.
        assertThat(Ids.timestampMillis(ids.get(0))).isBetween(before, after);
        assertThat(Ids.timestampMillis(ids.get(ids.size() - 1))).isBetween(before, after + 10_000 / 4096 + 1);
    }
}
