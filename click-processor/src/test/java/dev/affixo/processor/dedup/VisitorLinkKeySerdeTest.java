package dev.affixo.processor.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VisitorLinkKeySerdeTest {

    private final VisitorLinkKeySerde serde = new VisitorLinkKeySerde();

    private VisitorLinkKey roundTrip(VisitorLinkKey key) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", key));
    }

    @Test
    void keepsEveryFieldWhateverCharactersTheVisitorIdHas() {
        VisitorLinkKey key = new VisitorLinkKey(-42, "v:ä:1", Long.MAX_VALUE);

        assertThat(roundTrip(key)).isEqualTo(key);
    }

    @Test
    void keysOfTwoWorkspacesNeverShareBytes() {
        assertThat(serde.serializer().serialize("t", new VisitorLinkKey(1, "v-alice", 10)))
                .isNotEqualTo(serde.serializer().serialize("t", new VisitorLinkKey(2, "v-alice", 10)));
    }
}
