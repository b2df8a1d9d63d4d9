package dev.affixo.processor.matching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The alias store keeps its name across the deploy, so its serde must read what the old one wrote. */
class AliasSerdeTest {

    private final AliasSerde serde = new AliasSerde();

    private Alias read(byte[] bytes) {
        return serde.deserializer().deserialize("fingerprint-aliases-changelog", bytes);
    }

    @Test
    void readsWhatItWrites() {
        Alias alias = new Alias(1_772_366_400_000L, "v-alice|with:odd-characters");

        assertThat(read(serde.serializer().serialize("t", alias))).isEqualTo(alias);
    }

    @Test
    void readsTheLegacyTextValue() {
        assertThat(read("1772366400000|v-alice".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Alias(1_772_366_400_000L, "v-alice"));
    }

    @Test
    void readsALegacyValueWithANegativeTime() {
        assertThat(read("-5|v-bob".getBytes(StandardCharsets.UTF_8))).isEqualTo(new Alias(-5, "v-bob"));
    }

    @Test
    void refusesBytesInNeitherFormat() {
        assertThatThrownBy(() -> read("garbage".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> read("v-alice".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> read(new byte[] {1, 0, 0}))
                .isInstanceOf(SerializationException.class);
    }
}
