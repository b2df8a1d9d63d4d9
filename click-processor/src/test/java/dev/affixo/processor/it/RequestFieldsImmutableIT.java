package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.ClickEventCodec;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.ClickStreams;
import dev.affixo.processor.Clicks;
import dev.affixo.processor.deadletter.DeadLetterHeaders;
import dev.affixo.processor.replay.Replay;
import dev.affixo.processor.replay.ReplayArguments;
import dev.affixo.processor.replay.ReplayRange;
import dev.affixo.processor.sink.JdbiRowWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * the contract: what the client sent is never changed once stored. Two bodies under one Idempotency-Key (the API
 * could not check: both are on the topic) land on different partitions, so only the sink's guard sees both:
 * one is stored whole, never a mix, the other is dead-lettered; a replay from the start of the log then
 * re-derives everything and still leaves the stored click exactly as it was. Real Kafka and PostgreSQL.
 */
@WithPipelineInfra
class RequestFieldsImmutableIT {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void twoBodiesUnderOneKeyStoreOneWholeAndAReplayCannotChangeIt(PipelineInfra infra) throws Exception {
        try (PipelineHarness harness = new PipelineHarness(infra, "immutable")) {
            long ws = ThreadLocalRandom.current().nextLong(1_000_000, Long.MAX_VALUE);
            // Both under the key "order-1", as the API publishes them: the event id is derived from (workspace, key).
            ClickEvent cookie = Clicks.cookie(ws, "alice", null, 1, T0);
            ClickEvent alice = new ClickEvent(cookie.eventId(), ws, 1, cookie.affiliateId(), null, cookie.ref(),
                    "alice", cookie.matchMethod(), 1.0, null, cookie.url(), cookie.referrer(), 7, "order-1", T0);
            ClickEvent bob = new ClickEvent(alice.eventId(), ws, 1, alice.affiliateId(), null, alice.ref(), "bob",
                    alice.matchMethod(), 1.0, null, "https://shop.example/other", null, 9, "order-1",
                    T0.plusSeconds(1));
            harness.send(alice);
            harness.send(bob);
            harness.flushProducer();

            ClickStreams live = harness.startProcessor();
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.rows(ws) == 1 && harness.caughtUp());
            List<ConsumerRecord<String, byte[]>> letters = harness.deadLetters(1, Duration.ofSeconds(10));
            live.close();

            Map<String, Object> stored = storedRequest(harness, alice.eventId());
            ClickEvent winner = stored.get("visitor_id").equals("alice") ? alice : bob;
            ClickEvent loser = winner == alice ? bob : alice;
            assertThat(stored).as("one body whole, not a mix").isEqualTo(requestOf(winner));
            assertThat(letters).hasSize(1);
            assertThat(ClickEventCodec.decode(letters.get(0).value())).isEqualTo(loser);
            assertThat(new String(letters.get(0).headers().lastHeader(DeadLetterHeaders.REASON_CODE).value(),
                    StandardCharsets.UTF_8)).isEqualTo("idempotency_key_reused");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = new Replay(harness.props, Map.of(
                    StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100), harness.jdbi, new JdbiRowWriter(harness.jdbi),
                    new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC())
                    .run(new ReplayArguments(new ReplayRange(Instant.MIN, Instant.now()), false));

            assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(harness.rows(ws)).isEqualTo(1);
            assertThat(storedRequest(harness, alice.eventId())).isEqualTo(requestOf(winner));
        }
    }

    /** The columns the client's request fixed: what the row was accepted with. */
    private static Map<String, Object> storedRequest(PipelineHarness harness, String eventId) {
        return harness.jdbi.withHandle(h -> h.createQuery("""
                        select ref, visitor_id, url, referrer, key_id, idempotency_key,
                               (extract(epoch from received_at) * 1000)::bigint as received_ms
                        from clicks where event_id = cast(:id as uuid)""")
                .bind("id", eventId).mapToMap().one());
    }

    private static Map<String, Object> requestOf(ClickEvent e) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>();
        m.put("ref", e.ref());
        m.put("visitor_id", e.visitorId());
        m.put("url", e.url());
        m.put("referrer", e.referrer());
        m.put("key_id", e.keyId());
        m.put("idempotency_key", e.idempotencyKey());
        m.put("received_ms", e.receivedAt().toEpochMilli());
        return m;
    }
}
