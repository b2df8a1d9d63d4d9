package dev.affixo.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndToEndPhaseTest {

    @Test
    void theBusiestRequestTypesWithTheirCountPerClick() {
        Map<String, Double> perSecond = new LinkedHashMap<>();
        perSecond.put("FetchConsumer", 800.0);
        perSecond.put("Produce", 400.0);
        perSecond.put("EndTxn", 20.0);

        assertThat(EndToEndPhase.busiest(perSecond, 2, 1_000.0))
                .isEqualTo("FetchConsumer 800 (0.80/click), Produce 400 (0.40/click)");
        assertThat(EndToEndPhase.busiest(Map.of(), 2, 1_000.0)).isEqualTo("N/A");
    }
}
