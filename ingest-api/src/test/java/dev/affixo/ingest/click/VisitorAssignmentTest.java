package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickOrigin;
import dev.affixo.common.Ids;
import dev.affixo.common.MatchMethod;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VisitorAssignmentTest {

    private static ClickRequest click(String visitorId, String fingerprint) {
        return new ClickRequest("jane", visitorId, fingerprint, null, null, ClickOrigin.NONE);
    }

    @Test
    void givenVisitorIdIsACookieMatch() {
        assertThat(VisitorAssignment.assign(1, click("v-123", "fp"), null, 0.8))
                .isEqualTo(new VisitorAssignment("v-123", MatchMethod.COOKIE, 1.0));
    }

    @Test
    void fingerprintOnlyDerivesTheSameIdPerWorkspace() {
        VisitorAssignment a = VisitorAssignment.assign(1, click(null, "fp"), null, 0.8);
        VisitorAssignment b = VisitorAssignment.assign(1, click(null, "fp"), "other-key", 0.8);
        VisitorAssignment otherWorkspace = VisitorAssignment.assign(2, click(null, "fp"), null, 0.8);

        assertThat(a.method()).isEqualTo(MatchMethod.FINGERPRINT);
        assertThat(a.confidence()).isEqualTo(0.8);
        assertThat(b.visitorId()).isEqualTo(a.visitorId());
        assertThat(otherWorkspace.visitorId()).isNotEqualTo(a.visitorId());
    }

    @Test
    void neitherMintsATimeOrderedId() {
        VisitorAssignment first = VisitorAssignment.assign(1, click(null, null), null, 0.8);
        VisitorAssignment second = VisitorAssignment.assign(1, click(null, null), null, 0.8);

        assertThat(first.method()).isEqualTo(MatchMethod.NEW);
        assertThat(first.confidence()).isEqualTo(0.0);
        assertThat(UUID.fromString(first.visitorId()).version()).isEqualTo(7);
        assertThat(first.visitorId()).isLessThan(second.visitorId());
        assertThat(Ids.timestampMillis(UUID.fromString(first.visitorId())))
                .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(5_000L));
    }

    @Test
    void idempotencyKeyMakesTheMintedIdRepeatable() {
        VisitorAssignment first = VisitorAssignment.assign(1, click(null, null), "order-42", 0.8);
        VisitorAssignment retry = VisitorAssignment.assign(1, click(null, null), "order-42", 0.8);
        VisitorAssignment otherWorkspace = VisitorAssignment.assign(2, click(null, null), "order-42", 0.8);

        assertThat(retry).isEqualTo(first);
        assertThat(otherWorkspace.visitorId()).isNotEqualTo(first.visitorId());
    }
}
