package dev.affixo.processor.deadletter;

import static dev.affixo.processor.Clicks.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickKeys;
import dev.affixo.processor.ClickTopology;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.TopologyFixture;
import dev.affixo.processor.config.ProcessorProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterTopologyTest {

    private TopologyFixture topology = new TopologyFixture();

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
        assertThat(header(letter, DeadLetterHeaders.REASON_CODE)).isEqualTo("unreadable");
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
    void aRecordWithADuplicateMemberNameIsUnreadableRatherThanStoredWithOneOfItsValues() {
        String json = new String(Clicks.bytes(Clicks.cookie(1, "v-alice", null, 10, T0)), StandardCharsets.UTF_8);
        byte[] twoRefs = json.replace("\"ref\":", "\"ref\":\"other\",\"ref\":").getBytes(StandardCharsets.UTF_8);
        topology.sendRaw("1:v:v-alice", twoRefs);

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(header(letters.get(0), DeadLetterHeaders.REASON)).startsWith("not JSON").contains("\"ref\"");
        assertThat(header(letters.get(0), DeadLetterHeaders.REASON_CODE)).isEqualTo("unreadable");
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
        ClickEvent shortForm = withEventId(ok, "1-2-3-4-5");
        ClickEvent upperCase = withEventId(ok, ok.eventId().toUpperCase(java.util.Locale.ROOT));
        ClickEvent loneSurrogate = new ClickEvent(ok.eventId(), ok.workspaceId(), ok.linkId(), ok.affiliateId(),
                ok.campaignId(), ok.ref(), "v-\uD800", ok.matchMethod(), ok.matchConfidence(), ok.fingerprint(),
                ok.url(), ok.referrer(), ok.keyId(), ok.idempotencyKey(), ok.receivedAt());
        ClickEvent tooLong = new ClickEvent(ok.eventId(), ok.workspaceId(), ok.linkId(), ok.affiliateId(),
                ok.campaignId(), ok.ref(), ok.visitorId(), ok.matchMethod(), ok.matchConfidence(), "f".repeat(257),
                ok.url(), ok.referrer(), ok.keyId(), ok.idempotencyKey(), ok.receivedAt());
        topology.send(notUuid);
        topology.send(nul);
        topology.send(shortForm);
        topology.send(upperCase);
        topology.send(loneSurrogate);
        topology.send(tooLong);

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("event_id is not a UUID", "url: contains U+0000",
                        "event_id is not a UUID", "event_id is not a UUID",
                        "visitor_id: contains an unpaired surrogate", "fingerprint: longer than 256 code points");
        assertThat(letters).extracting(r -> header(r, DeadLetterHeaders.REASON_CODE))
                .containsExactly("unstorable", "unstorable", "unstorable", "unstorable", "unstorable", "unstorable");
        assertThat(topology.rows.clicks()).isEmpty();
    }

    private static ClickEvent withEventId(ClickEvent e, String eventId) {
        return new ClickEvent(eventId, e.workspaceId(), e.linkId(), e.affiliateId(), e.campaignId(), e.ref(),
                e.visitorId(), e.matchMethod(), e.matchConfidence(), e.fingerprint(), e.url(), e.referrer(), e.keyId(),
                e.idempotencyKey(), e.receivedAt());
    }

    @Test
    void aClickThatBreaksMatchingIsDeadLetteredAsAProcessingFailure() {
        // Corrupt state (an alias value in no format the serde knows) makes the match step throw.
        topology.plantRawValue(ClickTopology.FINGERPRINT_ALIASES,
                ClickKeys.fingerprintKey(1, "fp-corrupt").getBytes(StandardCharsets.UTF_8),
                "garbage".getBytes(StandardCharsets.UTF_8));
        ClickEvent click = topology.send(Clicks.fingerprint(1, "fp-corrupt", 10, T0));

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).value()).isEqualTo(Clicks.bytes(click));
        assertThat(header(letters.get(0), DeadLetterHeaders.STEP)).isEqualTo("match");
        assertThat(header(letters.get(0), DeadLetterHeaders.REASON_CODE)).isEqualTo("processing_failed");
        assertThat(deadLetterCount("processing_failed")).isEqualTo(1.0);
    }

    @Test
    void everyDeadLetterIsCountedOnceUnderItsReason() {
        assertThat(List.of("unreadable", "unstorable", "processing_failed"))
                .allSatisfy(reason -> assertThat(deadLetterCount(reason)).isZero());
        ClickEvent ok = Clicks.cookie(1, "v-alice", null, 10, T0);
        topology.sendRaw("1:v:x", "not json".getBytes(StandardCharsets.UTF_8));
        topology.sendRaw("1:v:x", null);
        topology.sendRaw("1:v:x", "{\"v\":99}".getBytes(StandardCharsets.UTF_8));
        topology.send(new ClickEvent("not-a-uuid", ok.workspaceId(), ok.linkId(), ok.affiliateId(),
                ok.campaignId(), ok.ref(), ok.visitorId(), ok.matchMethod(), ok.matchConfidence(), ok.fingerprint(),
                ok.url(), ok.referrer(), ok.keyId(), ok.idempotencyKey(), ok.receivedAt()));
        topology.send(ok);

        assertThat(topology.deadLetters()).hasSize(4);
        assertThat(deadLetterCount("unreadable")).isEqualTo(3.0);
        assertThat(deadLetterCount("unstorable")).isEqualTo(1.0);
        assertThat(deadLetterCount("processing_failed")).isZero();
        assertThat(topology.rows.clicks()).hasSize(1);
    }

    /** {@code first}'s event id (its Idempotency-Key) with another url: a second body under the same key. */
    private static ClickEvent secondBody(ClickEvent first, String visitor, java.time.Instant at) {
        return new ClickEvent(first.eventId(), first.workspaceId(), first.linkId(), first.affiliateId(),
                first.campaignId(), first.ref(), visitor, first.matchMethod(), first.matchConfidence(),
                first.fingerprint(), "https://shop.example/other", first.referrer(), first.keyId(), "key-1", at);
    }

    private double acceptedDeadLetterCount(String reason) {
        return topology.meters.get(DeadLetterMetrics.NAME).tag("reason", reason).tag("accepted_event", "true")
                .counter().count();
    }

    @Test
    void deadLettersASecondBodyUnderOneIdempotencyKeyBeforeMatchingAndKeepsTheFirst() {
        ClickEvent first = topology.send(Clicks.cookie(1, "v-alice", null, 10, T0));
        ClickEvent again = topology.send(first);
        ClickEvent second = topology.send(secondBody(first, "v-alice", T0.plusSeconds(1)));

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(header(letters.get(0), DeadLetterHeaders.REASON_CODE)).isEqualTo("idempotency_key_reused");
        assertThat(header(letters.get(0), DeadLetterHeaders.STEP)).isEqualTo("redelivery");
        assertThat(letters.get(0).value()).isEqualTo(Clicks.bytes(second));
        assertThat(topology.rows.clicks()).hasSize(1);
        assertThat(topology.rows.click(first.eventId()).event()).isEqualTo(again);
        assertThat(acceptedDeadLetterCount("idempotency_key_reused")).isEqualTo(1.0);
    }

    @Test
    void deadLettersASecondBodyTheSinkRefusesBecauseAnotherTaskStoredTheFirst() {
        ClickEvent first = Clicks.cookie(1, "v-alice", null, 10, T0);
        // Stored by the task of another partition: this task's dedup state has never seen the event id.
        topology.rows.write(new dev.affixo.processor.sink.RowBatch(List.of(
                dev.affixo.processor.sink.ClickRow.of(first, "v-alice", dev.affixo.processor.dedup.Classification.UNIQUE)),
                List.of()));
        ClickEvent second = topology.send(secondBody(first, "v-bob", T0.plusSeconds(1)));
        topology.advanceWallClock(java.time.Duration.ofMillis(100));

        List<TestRecord<String, byte[]>> letters = topology.deadLetters();
        assertThat(letters).hasSize(1);
        assertThat(header(letters.get(0), DeadLetterHeaders.REASON_CODE)).isEqualTo("idempotency_key_reused");
        assertThat(header(letters.get(0), DeadLetterHeaders.STEP)).isEqualTo("sink");
        assertThat(letters.get(0).value()).isEqualTo(Clicks.bytes(second));
        assertThat(topology.rows.click(first.eventId()).event()).isEqualTo(first);
        assertThat(topology.rows.click(first.eventId()).canonicalVisitorId()).isEqualTo("v-alice");
        assertThat(acceptedDeadLetterCount("idempotency_key_reused")).isEqualTo(1.0);
    }

    @Test
    void countsDeadLettersOfAcceptedEventsApartFromUnreadableBytes() {
        ClickEvent ok = Clicks.cookie(1, "v-alice", null, 10, T0);
        topology.sendRaw("1:v:x", "not json".getBytes(StandardCharsets.UTF_8));
        topology.send(new ClickEvent("not-a-uuid", ok.workspaceId(), ok.linkId(), ok.affiliateId(),
                ok.campaignId(), ok.ref(), ok.visitorId(), ok.matchMethod(), ok.matchConfidence(), ok.fingerprint(),
                ok.url(), ok.referrer(), ok.keyId(), ok.idempotencyKey(), ok.receivedAt()));

        assertThat(acceptedDeadLetterCount("unreadable")).isZero();
        assertThat(topology.meters.get(DeadLetterMetrics.NAME).tag("reason", "unreadable")
                .tag("accepted_event", "false").counter().count()).isEqualTo(1.0);
        assertThat(acceptedDeadLetterCount("unstorable")).isEqualTo(1.0);
    }

    private double deadLetterCount(String reason) {
        return topology.meters.get(DeadLetterMetrics.NAME).tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aBugDownstreamOfDedupFailsTheTaskInsteadOfDeadLetteringTheClick() {
        topology.close();
        // A batch of one row is written inside dedup's forward, so the writer's exception passes through dedup.
        topology = new TopologyFixture(
                ProcessorProperties.defaults("clicks", "dead-letters", "topology-test")
                        .with(Map.of("max-batch-rows", "1")),
                rows -> batch -> {
                    throw new IllegalStateException("bug in the sink");
                });

        assertThatThrownBy(() -> topology.sendUnwritten(Clicks.anonymous(1, 10, T0)))
                .hasRootCauseMessage("bug in the sink");
        assertThat(topology.deadLetters()).isEmpty();
    }
}
