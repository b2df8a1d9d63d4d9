package dev.affixo.processor.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickOrigin;
import dev.affixo.common.MatchMethod;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request hash tells every compared field apart, and nothing else. */
class SeenEventTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final ClickEvent BASE = new ClickEvent("01000000-0000-7000-8000-000000000001", 1, 10, 110, 5L,
            "ref", "v-1", MatchMethod.COOKIE, 1.0, "fp", "https://shop.example/p", "https://blog.example/", 7,
            "key-1", T0);

    private static ClickEvent with(long ws, long link, String ref, String visitor, MatchMethod method, String fp,
                                   String url, String referrer) {
        return new ClickEvent(BASE.eventId(), ws, link, BASE.affiliateId(), BASE.campaignId(), ref, visitor, method,
                BASE.matchConfidence(), fp, url, referrer, BASE.keyId(), BASE.idempotencyKey(), BASE.receivedAt());
    }

    /** Hashes are kept in the seen-event-ids changelog: the encoding may never change (value computed independently). */
    @Test
    void theHashOfAKnownRequestNeverChanges() {
        assertThat(SeenEvent.requestHash(BASE)).isEqualTo(-2026230202549729196L);
    }

    @Test
    void eachComparedFieldChangesTheHash() {
        List<ClickEvent> others = List.of(
                with(2, 10, "ref", "v-1", MatchMethod.COOKIE, "fp", BASE.url(), BASE.referrer()),
                with(1, 11, "ref", "v-1", MatchMethod.COOKIE, "fp", BASE.url(), BASE.referrer()),
                with(1, 10, "ref2", "v-1", MatchMethod.COOKIE, "fp", BASE.url(), BASE.referrer()),
                with(1, 10, "ref", "v-2", MatchMethod.COOKIE, "fp", BASE.url(), BASE.referrer()),
                with(1, 10, "ref", "v-1", MatchMethod.FINGERPRINT, "fp", BASE.url(), BASE.referrer()),
                with(1, 10, "ref", "v-1", MatchMethod.COOKIE, null, BASE.url(), BASE.referrer()),
                with(1, 10, "ref", "v-1", MatchMethod.COOKIE, "fp", "https://shop.example/q", BASE.referrer()),
                with(1, 10, "ref", "v-1", MatchMethod.COOKIE, "fp", BASE.url(), null),
                // The same characters split differently between two fields.
                with(1, 10, "refv", "-1", MatchMethod.COOKIE, "fp", BASE.url(), BASE.referrer()));
        for (ClickEvent other : others) {
            assertThat(SeenEvent.requestHash(other)).as(other.toString()).isNotEqualTo(SeenEvent.requestHash(BASE));
        }
    }

    @Test
    void theUserAgentAndIpHashChangeTheHashAndAreToldApart() {
        ClickOrigin ua = new ClickOrigin("x", null, null, null, null, false, false);
        ClickOrigin ip = new ClickOrigin(null, "81.2.69.0/24", "x", null, null, false, false);
        long withUa = SeenEvent.requestHash(BASE.withOrigin(ua));
        long withIp = SeenEvent.requestHash(BASE.withOrigin(ip));

        assertThat(withUa).isNotEqualTo(SeenEvent.requestHash(BASE)).isNotEqualTo(withIp);
        assertThat(withIp).isNotEqualTo(SeenEvent.requestHash(BASE));
        // What is looked up from the address is derived, not sent: it does not make another request.
        assertThat(SeenEvent.requestHash(BASE.withOrigin(new ClickOrigin(null, "81.2.69.0/24", "x", "GB", 1L, true, true))))
                .isEqualTo(withIp);
    }

    @Test
    void arrivalKeyAndConfidenceDoNotChangeTheHash() {
        ClickEvent retried = new ClickEvent(BASE.eventId(), 1, 10, 999, null, "ref", "v-1", MatchMethod.COOKIE, 0.5,
                "fp", BASE.url(), BASE.referrer(), 8, "key-1", T0.plusSeconds(30));
        assertThat(SeenEvent.requestHash(retried)).isEqualTo(SeenEvent.requestHash(BASE));
    }
}
