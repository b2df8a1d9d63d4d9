package dev.affixo.processor.deadletter;

import static dev.affixo.processor.Clicks.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterTopologyTest {

    private final TopologyFixture topology = new TopologyFixture();

    @AfterEach
    void close() {
        topology.close();
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void poisonBytesBecomeOneDeadLetterWithHeadersAndTheNextClickIsStillStored() {
        byte[] poison = {0x00, (byte) 0xff, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'};
        topology.sendRaw("1:v:x", poison);
        ClickEvent next = topology.send(Clicks.cookie(1, "v-alice", null, 10, T0));

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        TestRecord<String, byte[]> letter = letters.get(0);
        assertThat(letter.key()).isEqualTo("1:v:x");
        assertThat(letter.value()).isEqualTo(poison);
        assertThat(header(letter, DeadLetterHeaders.STEP)).isEqualTo("decode");
        assertThat(header(letter, DeadLetterHeaders.REASON)).startsWith("not JSON");
        assertThat(header(letter, DeadLetterHeaders.TIMESTAMP)).isEqualTo(TopologyFixture.NOW.toString());
        assertThat(header(letter, DeadLetterHeaders.SOURCE)).isEqualTo("clicks-0@0");
        assertThat(topology.rows.click(next.eventId())).isNotNull();
        assertThat(topology.rows.clicks()).hasSize(1);
    }

    @Test
    void unsupportedFormatVersionIsDeadLettered() {
        byte[] future = "{\"v\":99,\"event_id\":\"0190c7a2-0000-7000-8000-000000000001\"}".getBytes(StandardCharsets.UTF_8);
        topology.sendRaw("1:v:x", future);

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).value()).isEqualTo(future);
        assertThat(header(letters.get(0), DeadLetterHeaders.REASON)).isEqualTo("unsupported format version 99");
        assertThat(topology.rows.clicks()).isEmpty();
    }

    @Test
    void emptyValueIsDeadLettered() {
        topology.sendRaw("1:v:x", null);

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(header(letters.get(0), DeadLetterHeaders.REASON)).isEqualTo("empty record value");
    }

    @Test
    void clickPostgresWouldRejectIsDeadLetteredInsteadOfStallingItsBatch() {
        ClickEvent ok = Clicks.cookie(1, "v-alice", null, 10, T0);
        ClickEvent notUuid = new ClickEvent("not-a-uuid", ok.workspaceId(), ok.linkId(), ok.affiliateId(),
                ok.campaignId(), ok.ref(), ok.visitorId(), ok.matchMethod(), ok.matchConfidence(), ok.fingerprint(),
                ok.url(), ok.referrer(), ok.keyId(), ok.idempotencyKey(), ok.receivedAt());
        ClickEvent nul = new ClickEvent(ok.eventId(), ok.workspaceId(), ok.linkId(), ok.affiliateId(),
                ok.campaignId(), ok.ref(), ok.visitorId(), ok.matchMethod(), ok.matchConfidence(), ok.fingerprint(),
                "https://x.example/\u0000", ok.referrer(), ok.keyId(), ok.idempotencyKey(), ok.receivedAt());
        topology.send(notUuid);
        topology.send(nul);

        assertThat(topology.deadLetters()).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("event_id is not a UUID", "text field contains a NUL character");
        assertThat(topology.rows.clicks()).isEmpty();
    }
}
