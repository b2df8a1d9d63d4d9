package dev.affixo.ingest.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.ingest.error.ApiException;
import org.junit.jupiter.api.Test;

/** Decoding the raw path (no HTTP client would even send a malformed escape, so these are unit tests). */
class VisitorIdPathTest {

    @Test
    void decodesPercentEscapesAsUtf8AndKeepsPlusAndUnreservedCharacters() {
        assertThat(VisitorIdPath.visitorId("/v1/visitors/a%2fb%2F%3f%20+%25~._-")).isEqualTo("a/b/? +%~._-");
        assertThat(VisitorIdPath.visitorId("/v1/visitors/%E2%82%AC%F0%9F%8D%AA")).isEqualTo("€🍪");
    }

    @Test
    void refusesMalformedEscapesAndNonUtf8Bytes() {
        for (String raw : new String[] {"/v1/visitors/%G1", "/v1/visitors/abc%", "/v1/visitors/abc%4",
                "/v1/visitors/%C3", "/v1/visitors/%ED%A0%80", "/v1/visitors/café"}) {
            assertThatThrownBy(() -> VisitorIdPath.visitorId(raw)).as(raw).isInstanceOf(ApiException.class)
                    .hasMessageStartingWith("invalid_request: visitor_id: ");
        }
    }
}
