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
}
