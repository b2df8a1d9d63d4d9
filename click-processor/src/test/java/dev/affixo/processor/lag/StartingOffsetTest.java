package dev.affixo.processor.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StartingOffsetTest {

    /** Our reading of the policy must be the one Streams gives its main consumer, whichever prefix sets it. */
    @Test
    void readsThePolicyStreamsGivesItsMainConsumer() {
        List<Map<String, String>> configs = List.of(Map.of(), Map.of("auto.offset.reset", "latest"),
                Map.of("consumer.auto.offset.reset", "latest", "auto.offset.reset", "earliest"),
                Map.of("main.consumer.auto.offset.reset", "by_duration:PT1H", "consumer.auto.offset.reset", "latest"));
        for (Map<String, String> overrides : configs) {
            Map<String, Object> config = new HashMap<>(Map.of("application.id", "app", "bootstrap.servers", "x:9092"));
            config.putAll(overrides);
            Object streams = new StreamsConfig(config).getMainConsumerConfigs("app", "c", 0).get("auto.offset.reset");
            assertThat(StartingOffset.of(config)).as(overrides.toString())
                    .isEqualTo(StartingOffset.parse(streams.toString()));
        }
        assertThat(StartingOffset.of(Map.of())).isEqualTo(new StartingOffset(StartingOffset.Kind.EARLIEST, null));
        assertThat(StartingOffset.parse("by_duration:PT1H").lookBack()).isEqualTo(Duration.ofHours(1));
    }
}
