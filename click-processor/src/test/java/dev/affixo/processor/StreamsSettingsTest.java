package dev.affixo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.processor.config.ProcessorProperties;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    private final ProcessorProperties props = ProcessorProperties.defaults("in", "dead", "app");

    @Test
    void theStreamsProducerRetriesAConcurrentTransactionAfter20MsNot100() {
        Properties config = StreamsSettings.build(props, Map.of());

        assertThat(config.get("producer.retry.backoff.ms")).isEqualTo(20);
        assertThat(config.get("producer.transaction.timeout.ms")).isEqualTo(30_000);
    }

    @Test
    void ourProducerDefaultsCanBeOverriddenButExactlyOnceCannot() {
        Properties config = StreamsSettings.build(props, Map.of("producer.retry.backoff.ms", "50",
                "processing.guarantee", "at_least_once"));

        assertThat(config.get("producer.retry.backoff.ms")).isEqualTo("50");
        assertThat(config.get("processing.guarantee")).isEqualTo("exactly_once_v2");
    }
}
