package dev.affixo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.infra.process.ServiceProcess;
import dev.affixo.infra.seed.TestData;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's proof, through the two service jars: a person's clicks (cookie, a fingerprint alias, a keyed click)
 * → the processor is killed → {@code DELETE /v1/visitors/{id}} → a new processor applies it within 60 s: no erased
 * value in any text column of any table, per-link counts unchanged, other visitors' rows untouched → replay from
 * earliest with the jar → still → a retry with the old Idempotency-Key → still → the same cookie again is a new,
 * unique visitor.
 */
@WithPipelineInfra
class VisitorErasureEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void erasureSurvivesAProcessorKillAReplayAndARetriedIdempotencyKey(PipelineInfra infra) throws Exception {
        Pipeline pipeline = Pipeline.startApi(infra, "erase" + UUID.randomUUID().toString().substring(0, 6));
        ServiceProcess processor = null;
        try {
            processor = pipeline.startProcessor("erasure-processor-1");
            TestData.Workspace ws = new TestData(infra.dataSource()).workspace();
            ws.link("shoes");
            ws.link("hats");
            String key = ws.key(10_000, "track", "write");
            Jdbi jdbi = Jdbi.create(infra.dataSource());
            String tag = Long.toString(ws.id) + UUID.randomUUID().toString().substring(0, 8);
            String visitor = "cookie/" + tag + " é?";
            String fingerprint = "fp-" + tag;
            String url = "https://shop.example/p?customer=" + tag;
            String referrer = "https://mail.example/inbox/" + tag;
            String userAgent = "Mozilla/5.0 (X11; Linux x86_64; erase-" + tag + ") Firefox/133.0";
            String personal = ",\"visitor_id\":\"" + visitor + "\",\"fingerprint\":\"" + fingerprint
                    + "\",\"url\":\"" + url + "\",\"referrer\":\"" + referrer + "\",\"user_agent\":\""
                    + userAgent + "\",\"ip\":\"203.0.113.77\"";
            String keyed = "{\"ref\":\"hats\"" + personal + "}";

            List<String> replies = new ArrayList<>();
            replies.add(ok(pipeline.click(key, "{\"ref\":\"shoes\"" + personal + "}", null)));
            replies.add(ok(pipeline.click(key, "{\"ref\":\"shoes\",\"visitor_id\":\"" + visitor + "\"}", null)));
            String derived = visitorOf(ok(pipeline.click(key,
                    "{\"ref\":\"hats\",\"fingerprint\":\"" + fingerprint + "\"}", null)));
            replies.add(ok(pipeline.click(key, keyed, "order-" + tag)));
            ok(pipeline.click(key, "{\"ref\":\"shoes\",\"visitor_id\":\"other-" + tag
                    + "\",\"url\":\"https://shop.example/other\"}", null));
            new StoredClicks(infra.dataSource(), ws.id).awaitRows(5, Duration.ofSeconds(60));
            Map<String, Long> counts = countsPerLinkAndLabel(jdbi, ws.id);
            // the two clicks sent with ip and user_agent carry the origin before the erasure
            assertThat(rowsOf(jdbi, ws.id, visitor).values().stream()
                    .filter(r -> r.get("ip_hash") != null && r.get("ip_prefix") != null).count())
                    .as("the origin is stored").isEqualTo(2L);
            Map<String, Map<String, Object>> others = rowsOf(jdbi, ws.id, "other-" + tag);
            assertThat(others).hasSize(1);
            assertThat(TextColumns.holding(jdbi, visitor, fingerprint, url, referrer, derived, userAgent)).isNotEmpty();

            processor.kill();
            HttpResponse<String> erase = HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.api.baseUrl()
                            + "/v1/visitors/" + URLEncoder.encode(visitor, StandardCharsets.UTF_8).replace("+", "%20")))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + key).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(erase.statusCode()).as(erase.body()).isEqualTo(202);
            Matcher id = Pattern.compile("\\{\"ok\":true,\"erasure_id\":\"([0-9a-f-]{36})\"}").matcher(erase.body());
            assertThat(id.matches()).as(erase.body()).isTrue();
            UUID erasureId = UUID.fromString(id.group(1));
            Thread.sleep(1500);
            assertThat(completed(jdbi, erasureId)).as("no processor: still pending").isFalse();

            processor = pipeline.startProcessor("erasure-processor-2");
            long restarted = System.nanoTime();
            while (!completed(jdbi, erasureId)) {
                assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofSeconds(60));
                Thread.sleep(200);
            }
            String token = "erased:" + erasureId;
            String[] values = {visitor, fingerprint, url, referrer, derived, userAgent};
            assertErased(jdbi, ws.id, token, counts, others, values);

            ProcessResult replay = pipeline.replay(Map.of(), "--from", "earliest");
            assertThat(replay.exitCode()).as(replay.output()).isZero();
            assertErased(jdbi, ws.id, token, counts, others, values);

            // The retried request is the same click: the same 200 body, and it stays erased.
            assertThat(ok(pipeline.click(key, keyed, "order-" + tag))).isEqualTo(replies.get(2));
            awaitProcessed(infra, pipeline);
            assertErased(jdbi, ws.id, token, counts, others, values);

            // The same cookie again, well within the dedup window of the person's erased clicks: a new visitor,
            // unique, linked to nothing erased (docs/privacy.md), and the erased rows stay as they are.
            ok(pipeline.click(key, "{\"ref\":\"shoes\",\"visitor_id\":\"" + visitor + "\"}", null));
            new StoredClicks(infra.dataSource(), ws.id).awaitRows(6, Duration.ofSeconds(60));
            Map<String, Map<String, Object>> returning = rowsOf(jdbi, ws.id, visitor);
            assertThat(returning).hasSize(1);
            assertThat(returning.values().iterator().next()).containsEntry("canonical_visitor_id", visitor)
                    .containsEntry("classification", "unique").containsEntry("match_method", "cookie");
            assertThat(rowsOf(jdbi, ws.id, token)).hasSize(4);
        } finally {
            if (processor != null) {
                processor.close();
            }
            pipeline.close();
        }
    }

    private static void assertErased(Jdbi jdbi, long ws, String token, Map<String, Long> counts,
                                     Map<String, Map<String, Object>> others, String[] values) {
        assertThat(countsPerLinkAndLabel(jdbi, ws)).isEqualTo(counts);
        assertThat(rowsOf(jdbi, ws, "other-%")).as("other visitors' rows untouched").isEqualTo(others);
        Map<String, Map<String, Object>> person = rowsOf(jdbi, ws, token);
        assertThat(person).hasSize(4);
        person.values().forEach(row -> assertThat(row).containsEntry("canonical_visitor_id", token)
                .containsEntry("fingerprint", null).containsEntry("url", null).containsEntry("referrer", null)
                .containsEntry("user_agent", null).containsEntry("ip_prefix", null).containsEntry("ip_hash", null));
        assertThat(TextColumns.holding(jdbi, values)).isEmpty();
        long records = jdbi.withHandle(h -> h.createQuery("""
                        select (select count(*) from visitors where workspace_id = :ws)
                             + (select count(*) from visitor_aliases where workspace_id = :ws)""")
                .bind("ws", ws).mapTo(Long.class).one());
        assertThat(records).as("only the other visitor's record").isEqualTo(1L);
    }

    /** event id → row, for rows whose visitor id is like {@code visitor}. */
    private static Map<String, Map<String, Object>> rowsOf(Jdbi jdbi, long ws, String visitor) {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select event_id::text as event_id, link_id, visitor_id, canonical_visitor_id, match_method,
                               fingerprint, url, referrer, classification, idempotency_key, user_agent, ip_prefix,
                               ip_hash, traffic, bot_reason
                        from clicks where workspace_id = :ws and visitor_id like :v order by event_id""")
                .bind("ws", ws).bind("v", visitor).mapToMap()
                .forEach(r -> rows.put((String) r.get("event_id"), r)));
        return rows;
    }

    /** Per link and label, from clicks and from the daily totals: erasure moves neither. */
    private static Map<String, Long> countsPerLinkAndLabel(Jdbi jdbi, long ws) {
        Map<String, Long> counts = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select link_id || '/' || classification || '/' || traffic as k, count(*) as n from clicks
                        where workspace_id = :ws group by 1
                        union all
                        select 'totals ' || link_id || '/' || day || '/' || all_clicks || '/' || unique_clicks || '/'
                               || duplicate_clicks || '/' || bot_clicks || '/' || unique_human_clicks, 1
                        from link_daily_totals where workspace_id = :ws""")
                .bind("ws", ws).map((rs, ctx) -> counts.put(rs.getString("k"), rs.getLong("n"))).list());
        return counts;
    }

    private static boolean completed(Jdbi jdbi, UUID erasureId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select completed_at is not null from visitor_erasures where erasure_id = :id")
                .bind("id", erasureId).mapTo(Boolean.class).one());
    }

    /** Until the processor has committed every partition of both its input topics to their end. */
    private static void awaitProcessed(PipelineInfra infra, Pipeline pipeline) throws Exception {
        String repartition = pipeline.applicationId + "-by-canonical-visitor-repartition";
        long start = System.nanoTime();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            while (true) {
                var committed = admin.listConsumerGroupOffsets(pipeline.applicationId)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < Pipeline.PARTITIONS; p++) {
                    latest.put(new TopicPartition(pipeline.topic, p), OffsetSpec.latest());
                    latest.put(new TopicPartition(repartition, p), OffsetSpec.latest());
                }
                boolean done = admin.listOffsets(latest).all().get().entrySet().stream().allMatch(e -> {
                    long end = e.getValue().offset();
                    long needed = e.getKey().topic().equals(repartition) ? end - 1 : end; // transaction marker
                    var c = committed.get(e.getKey());
                    return end == 0 || (c != null && c.offset() >= needed);
                });
                if (done) {
                    return;
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
                Thread.sleep(200);
            }
        }
    }

    private static String ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static String visitorOf(String reply) {
        Matcher m = Pattern.compile("\"visitor_id\":\"([^\"]+)\"").matcher(reply);
        assertThat(m.find()).as(reply).isTrue();
        return m.group(1);
    }

    /** Every text column of every table and view of the schema, searched for each value (whole or part). */
    static final class TextColumns {

        static List<String> holding(Jdbi jdbi, String... values) {
            Object[] patterns = java.util.Arrays.stream(values)
                    .map(v -> "%" + v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%").toArray();
            return jdbi.withHandle(h -> {
                List<String> found = new ArrayList<>();
                for (Map<String, Object> c : h.createQuery("""
                        select table_name, column_name from information_schema.columns
                        where table_schema = current_schema() and data_type in ('text', 'character varying')""")
                        .mapToMap().list()) {
                    String table = "\"" + c.get("table_name") + "\"";
                    String column = "\"" + c.get("column_name") + "\"";
                    if (h.createQuery("select exists (select 1 from " + table + " where " + column
                                    + " like any(:patterns))")
                            .bindArray("patterns", String.class, patterns).mapTo(Boolean.class).one()) {
                        found.add(c.get("table_name") + "." + c.get("column_name"));
                    }
                }
                return found;
            });
        }
    }
}
