package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.MatchMethod;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClickReplyTest {

    @Test
    void writesTheFourFieldsInTheirFixedOrder() {
        assertThat(new String(ClickReply.accepted(new VisitorAssignment("v-\u00E9\"1", MatchMethod.FINGERPRINT, 0.8)),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"ok\":true,\"visitor_id\":\"v-\u00E9\\\"1\",\"match_method\":\"fingerprint\","
                        + "\"match_confidence\":0.8}");
        assertThat(new String(ClickReply.accepted(new VisitorAssignment("x", MatchMethod.NEW, 0.0)),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"ok\":true,\"visitor_id\":\"x\",\"match_method\":\"new\",\"match_confidence\":0.0}");
    }
}
