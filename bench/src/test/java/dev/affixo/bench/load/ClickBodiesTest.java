package dev.affixo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ClickBodiesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyBodyIsOneJsonObjectWithASeededRefAndItsOwnVisitor() {
        ClickBodies bodies = new ClickBodies(1_000, 10_000, 1);
        Set<String> visitors = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            JsonNode body = JSON.readTree(new String(bodies.get(i), StandardCharsets.UTF_8));
            assertThat(body.get("ref").stringValue()).matches("ref-\\d{5}");
            assertThat(body.get("url").stringValue()).startsWith("https://");
            visitors.add(body.get("visitor_id").stringValue());
        }
        assertThat(visitors).hasSize(1_000);
    }

    @Test
    void cyclesThroughThePool() {
        ClickBodies bodies = new ClickBodies(10, 10, 1);

        assertThat(bodies.get(12)).isSameAs(bodies.get(2));
    }

    /** The same clicks plus a visitor's address and browser: the two ingest rows differ in those fields only. */
    @Test
    void theVisitorOriginPoolIsThePlainPoolPlusIpAndUserAgent() {
        ClickBodies plain = new ClickBodies(400, 10_000, 7);
        ClickBodies withOrigin = ClickBodies.withVisitorOrigin(400, 10_000, 7);
        int ipv6 = 0;
        for (int i = 0; i < 400; i++) {
            JsonNode a = JSON.readTree(new String(plain.get(i), StandardCharsets.UTF_8));
            JsonNode b = JSON.readTree(new String(withOrigin.get(i), StandardCharsets.UTF_8));
            assertThat(((tools.jackson.databind.node.ObjectNode) b.deepCopy()).without(java.util.List.of("ip", "user_agent")))
                    .isEqualTo(a);
            String ip = b.get("ip").stringValue();
            assertThat(ip).matches("\\d{1,3}(\\.\\d{1,3}){3}|2a0[0-9a-f](:[0-9a-f]{1,4}){3}::[0-9a-f]{1,4}");
            ipv6 += ip.contains(":") ? 1 : 0;
            assertThat(b.get("user_agent").stringValue()).startsWith("Mozilla/5.0 (");
        }
        assertThat(ipv6).isBetween(60, 140);
        assertThat(withOrigin.name()).isNotEqualTo(plain.name());
    }
}
