package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickOrigin;
import dev.affixo.common.Ids;
import dev.affixo.common.MatchMethod;
import dev.affixo.common.keys.KeyKind;
import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.ingest.links.Link;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClickEventsTest {

    private static final ApiKey KEY = new ApiKey(12, 42, KeyKind.WORKSPACE, Set.of("track"), 600, null, null);
    private static final Link LINK = new Link(7001, 42, 501, 9L, "spring-sale", true);
    private static final Instant RECEIVED = Instant.ofEpochMilli(1740830400123L);
    private static final ClickRequest CLICK =
            new ClickRequest("spring-sale", "v1", "fp", "https://shop.example/", "https://blog.example/", ClickOrigin.NONE);
    private static final VisitorAssignment VISITOR = new VisitorAssignment("v1", MatchMethod.COOKIE, 1.0);

    @Test
    void carriesTheKeyTheLinkTheVisitorAndTheRequestsFields() {
        ClickEvent e = ClickEvents.of(KEY, LINK, CLICK, VISITOR, "order-1", RECEIVED);

        assertThat(e).isEqualTo(new ClickEvent(e.eventId(), 42, 7001, 501, 9L, "spring-sale", "v1",
                MatchMethod.COOKIE, 1.0, "fp", "https://shop.example/", "https://blog.example/", 12, "order-1",
                RECEIVED));
    }

    @Test
    void withAnIdempotencyKeyTheEventIdIsDerivedFromWorkspaceAndKey() {
        String first = ClickEvents.of(KEY, LINK, CLICK, VISITOR, "order-1", RECEIVED).eventId();

        assertThat(ClickEvents.of(KEY, LINK, CLICK, VISITOR, "order-1", RECEIVED.plusSeconds(5)).eventId())
                .isEqualTo(first);
        assertThat(first).isEqualTo(Ids.nameBased("affixo.event", "42", "order-1").toString());
        assertThat(ClickEvents.eventId(43, "order-1")).isNotEqualTo(first);
        assertThat(ClickEvents.eventId(42, "order-2")).isNotEqualTo(first);
    }

    @Test
    void withoutAnIdempotencyKeyEachEventGetsANewTimeOrderedId() {
        String a = ClickEvents.of(KEY, LINK, CLICK, VISITOR, null, RECEIVED).eventId();
        String b = ClickEvents.of(KEY, LINK, CLICK, VISITOR, null, RECEIVED).eventId();

        assertThat(UUID.fromString(a).version()).isEqualTo(7);
        assertThat(b).isGreaterThan(a);
    }
}
