package dev.affixo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.verify.AcceptedClicks;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.infra.verify.StoredClick;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.seed.TestData;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * N clicks through the real API → Kafka → the real processor → PostgreSQL: exactly N rows, the right
 * classifications and the right canonical visitors.
 */
@WithPipelineInfra
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest {

    private static final int ANONYMOUS = 100;

    private static Pipeline pipeline;
    private static ServiceProcess processor;

    /** Where this run's lines begin in the service logs (they are appended to across runs of a local build). */
    private static long apiLogStart;
    private static long processorLogStart;

    @BeforeAll
    static void start(PipelineInfra infra) throws Exception {
        apiLogStart = sizeOf(Pipeline.LOGS.resolve("e2e-ingest-api.log"));
        processorLogStart = sizeOf(Pipeline.LOGS.resolve("e2e-click-processor.log"));
        pipeline = Pipeline.startApi(infra, "e2e");
        processor = pipeline.startProcessor("e2e-click-processor");
    }

    @AfterAll
    static void stop() throws Exception {
        if (processor != null) {
            processor.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void everyAcceptedClickBecomesExactlyOneMatchedAndLabelledRow(PipelineInfra infra) throws Exception {
        TestData data = new TestData(infra.dataSource());
        TestData.Workspace ws = data.workspace();
        ws.link("shoes");
        ws.link("hats");
        String key = ws.key(10_000, "track");
        List<String> sent = new ArrayList<>();

        // Visitor A (cookie) clicks "shoes" three times: one unique, two duplicates.
        for (int i = 0; i < 3; i++) {
            expect200(pipeline.click(key, "{\"ref\":\"shoes\",\"visitor_id\":\"A\"}", null), sent);
        }
        // A, with a fingerprint, clicks "hats": unique, and fingerprint fpA becomes an alias of A.
        expect200(pipeline.click(key, "{\"ref\":\"hats\",\"visitor_id\":\"A\",\"fingerprint\":\"fpA\"}", null), sent);
        // Later a fingerprint-only fpA click on "hats" resolves to A: a duplicate of A's click.
        expect200(pipeline.click(key, "{\"ref\":\"hats\",\"fingerprint\":\"fpA\"}", null), sent);
        // A fingerprint nobody aliased resolves to its own derived visitor: unique.
        expect200(pipeline.click(key, "{\"ref\":\"shoes\",\"fingerprint\":\"fpB\"}", null), sent);
        // A retried request (same Idempotency-Key) is one click.
        expect200(pipeline.click(key, "{\"ref\":\"shoes\"}", "order-1"), sent);
        expect200(pipeline.click(key, "{\"ref\":\"shoes\"}", "order-1"), new ArrayList<>());
        // Anonymous visitors: each new, each unique.
        for (int i = 0; i < ANONYMOUS; i++) {
            expect200(pipeline.click(key, "{\"ref\":\"hats\",\"url\":\"https://shop.example/" + i + "\"}", null), sent);
        }
        int expected = sent.size();
        assertThat(expected).isEqualTo(3 + 1 + 1 + 1 + 1 + ANONYMOUS);

        Jdbi jdbi = data.jdbi();
        awaitRows(jdbi, ws.id, expected, Duration.ofSeconds(90));

        Map<String, Object> counts = jdbi.withHandle(h -> h.createQuery("""
                select count(*) as total, count(*) filter (where classification = 'duplicate') as duplicates
                from clicks where workspace_id = :ws""").bind("ws", ws.id).mapToMap().one());
        assertThat(counts).containsEntry("total", (long) expected).containsEntry("duplicates", 3L);

        // Every row as the reference model computes it from the topic: requests went one at a time, and each
        // (visitor, link) pair's clicks share one record key, so the order is fixed and the result exact.
        List<ClickEvent> accepted = AcceptedClicks.read(infra.bootstrapServers(), pipeline.topic, ws.id);
        assertThat(accepted.stream().map(ClickEvent::eventId).distinct()).hasSize(expected);
        assertThat(StoredClick.differences(ClickModel.withDefaultWindow().expectedRows(accepted),
                StoredClick.readAll(jdbi, ws.id))).isEmpty();

        Map<String, Object> fpOnly = jdbi.withHandle(h -> h.createQuery("""
                select canonical_visitor_id, classification, match_method from clicks
                where workspace_id = :ws and fingerprint = 'fpA' and match_method = 'fingerprint'""")
                .bind("ws", ws.id).mapToMap().one());
        assertThat(fpOnly).containsEntry("canonical_visitor_id", "A")
                .containsEntry("classification", "duplicate")
                .containsEntry("match_method", "fingerprint");

        Map<String, Object> fpB = jdbi.withHandle(h -> h.createQuery("""
                select visitor_id, canonical_visitor_id, classification from clicks
                where workspace_id = :ws and fingerprint = 'fpB'""").bind("ws", ws.id).mapToMap().one());
        assertThat(fpB.get("canonical_visitor_id")).isEqualTo(fpB.get("visitor_id"));
        assertThat(fpB).containsEntry("classification", "unique");

        String alias = jdbi.withHandle(h -> h.createQuery(
                        "select visitor_id from visitor_aliases where workspace_id = :ws and fingerprint = 'fpA'")
                .bind("ws", ws.id).mapTo(String.class).one());
        assertThat(alias).isEqualTo("A");
        long retried = jdbi.withHandle(h -> h.createQuery(
                        "select count(*) from clicks where workspace_id = :ws and idempotency_key = 'order-1'")
                .bind("ws", ws.id).mapTo(Long.class).one());
        assertThat(retried).isEqualTo(1L);
    }

    /**
     * The documented replay command, run from the real jar with the service's environment while the live
     * processor keeps running: the dry run plans and writes nothing; the replay rewrites in place.
     */
    @Test
    @Order(2)
    void replayCommandFromTheJarRelabelsInPlaceWithoutAddingRows(PipelineInfra infra) throws Exception {
        TestData.Workspace ws = new TestData(infra.dataSource()).workspace();
        ws.link("replayed");
        String key = ws.key(10_000, "track");
        for (int i = 0; i < 3; i++) {
            expect200(pipeline.click(key, "{\"ref\":\"replayed\",\"visitor_id\":\"R\"}", null), new ArrayList<>());
        }
        StoredClicks stored = new StoredClicks(infra.dataSource(), ws.id);
        stored.awaitRows(3, Duration.ofSeconds(60));
        String uniques = "select count(*) from clicks where workspace_id = :ws and classification = 'unique'";
        Jdbi jdbi = Jdbi.create(infra.dataSource());
        assertThat(count(jdbi, uniques, ws.id)).isEqualTo(1L);

        ProcessResult dryRun = pipeline.replay(Map.of(), "--from", "earliest", "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
        assertThat(dryRun.output()).contains("replay plan", "dry run: nothing was written.");

        // A 1 ms window makes every click of R unique: the replay must re-label, not add.
        long totalBefore = allRows(jdbi);
        ProcessResult replay = pipeline.replay(Map.of("AFFIXO_PROCESSOR_DEDUP_WINDOW", "PT0.001S"), "--from", "earliest");
        assertThat(replay.exitCode()).as(replay.output()).isZero();
        assertThat(replay.output()).contains("replay done");
        assertThat(stored.rows()).isEqualTo(3);
        assertThat(count(jdbi, uniques, ws.id)).isEqualTo(3L);
        assertThat(allRows(jdbi)).isEqualTo(totalBefore);
    }

    /**
     * A replay is a one-shot command: run on the host of a live processor, with the same environment (so the same
     * MANAGEMENT_PORT, which that processor holds), it must not try to serve anything on it.
     */
    @Test
    @Order(3)
    void replayRunsOnTheHostOfALiveProcessorWhoseManagementPortIsTaken() throws Exception {
        assertThat(processor.isAlive()).isTrue();
        String taken = Integer.toString(processor.managementPort());

        ProcessResult dryRun = pipeline.replay(Map.of("MANAGEMENT_PORT", taken), "--from", "earliest", "--dry-run");

        assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
        assertThat(dryRun.output()).contains("replay plan", "dry run: nothing was written.")
                .doesNotContain("already in use").doesNotContain("Netty started");
        assertThat(processor.isAlive()).isTrue();
    }

    /**
     * SPEC §7.2, "the raw IP is never at rest": after clicks with known addresses (IPv4, IPv6 sent fully written
     * and compressed, IPv4-mapped; single and batch; accepted, refused and retried), no form of any of them is in
     * any record of any topic, any row of any table, or either service's log. The addresses must have reached the
     * API (their prefixes are on the events), so a clean scan is not a scan of nothing.
     */
    @Test
    @Order(4)
    void noVisitorAddressIsAtRestInKafkaPostgresqlOrTheLogs(PipelineInfra infra) throws Exception {
        List<String> addresses = List.of("81.2.69.142", "198.51.100.23", "2001:db8:85a3:8d3:1319:8a2e:370:7348",
                "2001:218:0:0:0:0:0:1", "::ffff:203.0.113.77");
        TestData.Workspace ws = new TestData(infra.dataSource()).workspace();
        String ref = "private-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        ws.link(ref);
        String key = ws.key(10_000, "track");
        String ua = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        int accepted = 0;
        for (String ip : addresses) {
            expect200(pipeline.click(key, "{\"ref\":\"" + ref + "\",\"ip\":\"" + ip + "\",\"user_agent\":\"" + ua
                    + "\"}", null), new ArrayList<>());
            accepted++;
        }
        // retried under one key (stored once), then reused with another address (422)
        expect200(pipeline.click(key, "{\"ref\":\"" + ref + "\",\"ip\":\"198.51.100.23\"}", "ip-order-1"), new ArrayList<>());
        expect200(pipeline.click(key, "{\"ref\":\"" + ref + "\",\"ip\":\"198.51.100.23\"}", "ip-order-1"), new ArrayList<>());
        accepted++;
        assertThat(pipeline.click(key, "{\"ref\":\"" + ref + "\",\"ip\":\"81.2.69.142\"}", "ip-order-1").statusCode())
                .isEqualTo(422);
        // refused for another field, and for an unknown link, with a valid address in the body
        assertThat(pipeline.click(key, "{\"ref\":\"" + ref + "\",\"url\":\"/x\",\"ip\":\"81.2.69.142\"}", null)
                .statusCode()).isEqualTo(400);
        assertThat(pipeline.click(key, "{\"ref\":\"nobody\",\"ip\":\"2001:db8:85a3:8d3:1319:8a2e:370:7348\"}", null)
                .statusCode()).isEqualTo(404);
        HttpResponse<String> batch = pipeline.clicks(key, "{\"clicks\":[{\"ref\":\"" + ref + "\",\"ip\":\"81.2.69.142\"},"
                + "{\"ref\":\"" + ref + "\",\"ip\":\"2001:218::1\",\"url\":\"/relative\"}]}");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        assertThat(batch.body()).contains("\"ok\":true").contains("url: must be an absolute http(s) URI");
        accepted++;

        Jdbi jdbi = Jdbi.create(infra.dataSource());
        awaitRows(jdbi, ws.id, accepted, Duration.ofSeconds(60));
        List<String> prefixes = AcceptedClicks.read(infra.bootstrapServers(), pipeline.topic, ws.id).stream()
                .map(e -> e.origin().ipPrefix()).distinct().sorted().toList();
        assertThat(prefixes).containsExactly("198.51.100.0/24", "2001:218::/48", "2001:db8:85a3::/48",
                "203.0.113.0/24", "81.2.69.0/24");

        RawAddressScan scan = new RawAddressScan(addresses);
        assertThat(scan.forms()).contains("2001:218::1", "2001:0218:0000:0000:0000:0000:0000:0001", "203.0.113.77",
                "2001:db8:85a3:8d3:1319:8a2e:370:7348", "20010db885a308d313198a2e03707348");
        Map<String, List<String>> found = new java.util.LinkedHashMap<>();
        found.put("records on the broker", scan.inKafka(infra.bootstrapServers()));
        found.put("rows in PostgreSQL", scan.inPostgres(infra.dataSource()));
        found.put("the ingest API's log", scan.inLog(pipeline.api.log(), apiLogStart));
        found.put("the click processor's log", scan.inLog(processor.log(), processorLogStart));
        // the scan is not blind: it finds the test's ref in a record and a row
        assertThat(RawAddressScan.forText(ref).inKafka(infra.bootstrapServers())).isNotEmpty();
        assertThat(RawAddressScan.forText(ref).inPostgres(infra.dataSource())).isNotEmpty();
        // every place reported at once, not just the first
        assertThat(found).allSatisfy((where, hits) -> assertThat(hits).as(where).isEmpty());
    }

    /**
     * A merchant's sampled {@code traceparent} is followed through the jars: the API's request and send spans and the
     * processor's store span of that one click arrive at an OTLP receiver in the merchant's trace, while an unsampled
     * one (flag 00) leaves no span of its trace anywhere — at the default 1 % sampling (docs/tracing.md).
     */
    @Test
    @Order(5)
    void aSampledTraceparentIsFollowedFromTheRequestToTheProcessorsWrite(PipelineInfra infra) throws Exception {
        TestData.Workspace ws = new TestData(infra.dataSource()).workspace();
        ws.link("traced");
        String key = ws.key(10_000, "track");
        String sampled = java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(16)
                .putLong(System.nanoTime()).putLong(0x5a17ed0ffL).array());
        String unsampled = sampled.substring(0, 24) + "00000000";
        expect200(pipeline.click(key, "{\"ref\":\"traced\"}", null,
                Map.of("traceparent", "00-" + sampled + "-00f067aa0ba902b7-01")), new ArrayList<>());
        expect200(pipeline.click(key, "{\"ref\":\"traced\"}", null,
                Map.of("traceparent", "00-" + unsampled + "-00f067aa0ba902b7-00")), new ArrayList<>());
        awaitRows(Jdbi.create(infra.dataSource()), ws.id, 2, Duration.ofSeconds(60));

        TraceCollector traces = TraceCollector.shared();
        Map<String, java.util.function.BooleanSupplier> spans = new java.util.LinkedHashMap<>();
        spans.put("API's request span", () -> traces.received(sampled, "ingest-api", "POST /v1/track/click"));
        spans.put("API's send span", () -> traces.received(sampled, "ingest-api", "send " + pipeline.topic));
        spans.put("processor's store span", () -> traces.received(sampled, "click-processor", "store click"));
        spans.put("processor's write span", () -> traces.received(sampled, "click-processor", "write clicks"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // each exporter sends every 5 s
        while (System.nanoTime() < deadline && !spans.values().stream().allMatch(java.util.function.BooleanSupplier::getAsBoolean)) {
            Thread.sleep(250);
        }
        assertThat(spans).allSatisfy((span, received) -> assertThat(received.getAsBoolean()).as(span).isTrue());
        assertThat(traces.received(unsampled, "ingest-api", "POST")).as("unsampled trace exported").isFalse();
        assertThat(traces.received(unsampled, "click-processor", "click")).as("unsampled trace exported").isFalse();
    }

    private static long sizeOf(java.nio.file.Path file) throws java.io.IOException {
        return java.nio.file.Files.exists(file) ? java.nio.file.Files.size(file) : 0;
    }

    private static long allRows(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from clicks").mapTo(Long.class).one());
    }

    private static long count(Jdbi jdbi, String sql, long workspaceId) {
        return jdbi.withHandle(h -> h.createQuery(sql).bind("ws", workspaceId).mapTo(Long.class).one());
    }

    private static void expect200(HttpResponse<String> response, List<String> sent) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        sent.add(response.body());
    }

    static void awaitRows(Jdbi jdbi, long workspaceId, int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long rows = -1;
        while (System.nanoTime() < deadline) {
            rows = jdbi.withHandle(h -> h.createQuery("select count(*) from clicks where workspace_id = :ws")
                    .bind("ws", workspaceId).mapTo(Long.class).one());
            if (rows >= expected) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("only " + rows + " of " + expected + " rows within " + timeout);
    }
}
