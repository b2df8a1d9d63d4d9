package dev.affixo.processor.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickEvent;
import dev.affixo.common.MatchMethod;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.dedup.Classification;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.sink.JdbiRowWriter;
import dev.affixo.processor.sink.RowBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Migrations V4 and V5 on a database that has rows: V1–V3 applied (Flyway target 3), rows written as processors
 * of that version wrote them, edge values included; then V4 and V5 (whose daily totals start as a group by). Every column of every row must come out as it went in, each
 * row in the partition of its month, and a retried keyed click must still find its stored row.
 */
@WithPipelineInfra
class MigrationWithRowsIT {

    private static final String CLICK_COLUMNS = """
            event_id, workspace_id, link_id, affiliate_id, campaign_id, ref, visitor_id, canonical_visitor_id,
            match_method, match_confidence, fingerprint, url, referrer, classification, key_id, idempotency_key,
            received_at, processed_at""";

    /** Each row as PostgreSQL's own text of every column: equal text, equal values (timestamps to the µs). */
    private static final String CLICKS_AS_TEXT = "select to_jsonb(c)::text from (select " + CLICK_COLUMNS
            + " from clicks) c order by event_id";

    @Test
    void movesEveryRowIntoThePartitionedTableUnchanged() {
        try (FreshDatabase db = FreshDatabase.create(infra).migrate("3")) {
            List<Object[]> rows = rows();
            db.jdbi.useHandle(h -> {
                insertClicks(h, rows);
                h.execute("insert into visitors (workspace_id, visitor_id, first_seen_at, last_seen_at) values "
                        + "(1, 'v-1', '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'), "
                        + "(1, 'v-2', '2024-01-01T00:00:00.000001Z', null), "
                        + "(" + Long.MAX_VALUE + ", '\uD83D\uDE00 v', '1999-12-31T23:59:59.999999Z', null)");
                h.execute("insert into visitor_aliases values (1, 'fp-1', 'v-1', '2024-01-01T00:00:00Z')");
                h.execute("insert into idempotency_keys (workspace_id, idempotency_key, request_digest) values "
                        + "(1, 'k', decode(repeat('ab', 32), 'hex'))");
            });
            List<String> clicksBefore = texts(db, CLICKS_AS_TEXT);
            List<String> visitorsBefore = texts(db, 
                    "select to_jsonb(v)::text from (select workspace_id, visitor_id, first_seen_at from visitors) v "
                            + "order by 1");
            List<String> othersBefore = otherTables(db);

            db.migrate(null);

            List<String> clicksAfter = texts(db, CLICKS_AS_TEXT);
            assertThat(clicksAfter).hasSize(rows.size()).isEqualTo(clicksBefore);
            assertThat(texts(db, 
                    "select to_jsonb(v)::text from visitors v order by 1"))
                    .isEqualTo(visitorsBefore);
            assertThat(otherTables(db)).isEqualTo(othersBefore);
            // V5: every click stored before it is human, and the daily totals start as the group by over clicks.
            assertThat(count(db, "select count(*) from clicks where traffic <> 'human' or bot_reason is not null"))
                    .isZero();
            assertThat(texts(db, """
                    select workspace_id || ' ' || link_id || ' ' || day || ' ' || all_clicks || ' ' || unique_clicks
                           || ' ' || duplicate_clicks || ' ' || bot_clicks || ' ' || unique_human_clicks
                    from link_daily_totals order by 1"""))
                    .hasSizeGreaterThan(1)
                    .isEqualTo(texts(db, """
                            select workspace_id || ' ' || link_id || ' ' || (received_at at time zone 'UTC')::date
                                   || ' ' || count(*) || ' ' || count(*) filter (where classification = 'unique')
                                   || ' ' || count(*) filter (where classification = 'duplicate') || ' 0 '
                                   || count(*) filter (where classification = 'unique')
                            from clicks group by workspace_id, link_id, (received_at at time zone 'UTC')::date
                            order by 1"""));
            // Every row in the partition of its UTC month.
            assertThat(count(db, """
                    select count(*) from clicks
                    where tableoid::regclass::text
                          <> 'clicks_p' || to_char(date_trunc('month', received_at at time zone 'UTC'), 'YYYYMMDD')
                    """)).isZero();
            // The keyed rows' event ids are registered, each with its row's received_at.
            assertThat(count(db, """
                    select count(*) from click_keyed_events k join clicks c using (workspace_id, event_id, received_at)
                    """))
                    .isEqualTo(rows.stream().filter(r -> r[15] != null).count())
                    .isEqualTo(count(db, "select count(*) from click_keyed_events"));
            assertThat(count(db, """
                    select count(*) from information_schema.columns
                    where table_name = 'visitors' and column_name = 'last_seen_at'""")).isZero();

            // A migrated keyed click retried now lands on its row, months away from today's partition.
            Object[] keyedRow = rows.stream().filter(r -> r[15] != null).findFirst().orElseThrow();
            ClickEvent retry = new ClickEvent(keyedRow[0].toString(), (long) keyedRow[1], (long) keyedRow[2],
                    (long) keyedRow[3], (Long) keyedRow[4], (String) keyedRow[5], (String) keyedRow[6],
                    MatchMethod.fromWire((String) keyedRow[8]), ((Float) keyedRow[9]).doubleValue(),
                    (String) keyedRow[10], (String) keyedRow[11], (String) keyedRow[12], (long) keyedRow[14],
                    (String) keyedRow[15], Instant.now());
            assertThat(new JdbiRowWriter(db.jdbi).write(new RowBatch(
                    List.of(ClickRow.of(retry, "someone-else", Classification.UNIQUE)), List.of()))).isEmpty();
            assertThat(texts(db, CLICKS_AS_TEXT))
                    .isEqualTo(clicksBefore);
        }
    }

    private static List<String> texts(FreshDatabase db, String sql) {
        return db.jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private static long count(FreshDatabase db, String sql) {
        return db.jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static List<String> otherTables(FreshDatabase db) {
        return db.jdbi.withHandle(h -> {
            List<String> all = new ArrayList<>();
            all.addAll(h.createQuery("select to_jsonb(a)::text from visitor_aliases a order by 1").mapTo(String.class).list());
            all.addAll(h.createQuery("select to_jsonb(k)::text from idempotency_keys k order by 1").mapTo(String.class).list());
            return all;
        });
    }

    private static PipelineInfra infra;

    @BeforeAll
    static void infra(PipelineInfra pipelineInfra) {
        infra = pipelineInfra;
    }

    /** Edge rows (nulls, limits, extremes, month boundaries to the µs) and 500 ordinary ones. */
    private static List<Object[]> rows() {
        String emoji128 = "\uD83D\uDE00".repeat(128);
        String url2048 = "https://shop.example/" + "é".repeat(2048 - 21);
        List<Object[]> rows = new ArrayList<>();
        rows.add(row(1L, 1L, 1L, null, "r", "v", "v", "new", 0f, null, null, null, "unique", 1L, null,
                "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z"));
        rows.add(row(1L, 1L, 1L, null, "r", "v", "v", "new", 0f, null, null, null, "duplicate", 1L, null,
                "2026-02-28T23:59:59.999999Z", "2026-03-01T00:00:00.000001Z"));
        rows.add(row(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, "x".repeat(128), emoji128, emoji128,
                "cookie", 1f, "f".repeat(256), url2048, url2048, "unique", Long.MAX_VALUE, "~".repeat(255),
                "1999-12-31T23:59:59.999999Z", "2000-01-01T00:00:00Z"));
        rows.add(row(2L, 3L, 4L, 5L, "ref with ' quote", "v\\back\"slash", "c\tv", "fingerprint", 0.8f, "fp\n",
                "https://a.example/?q=1&r='x'", "", "duplicate", 6L, "order-1", "2024-02-29T12:00:00.5Z",
                "2024-02-29T12:00:01Z"));
        Random random = new Random(13);
        String[] methods = {"cookie", "fingerprint", "new"};
        for (int i = 0; i < 500; i++) {
            Instant at = Instant.parse("2025-01-01T00:00:00Z").plusMillis(random.nextLong(400L * 86_400_000L));
            rows.add(row(1 + random.nextInt(3), 1 + random.nextInt(50), 100 + random.nextInt(5),
                    random.nextBoolean() ? null : (long) random.nextInt(9), "ref-" + random.nextInt(50),
                    "v-" + random.nextInt(200), "v-" + random.nextInt(200), methods[random.nextInt(3)],
                    random.nextFloat(), random.nextBoolean() ? null : "fp-" + random.nextInt(99),
                    random.nextBoolean() ? null : "https://shop.example/" + i, random.nextBoolean() ? null : "r" + i,
                    random.nextBoolean() ? "unique" : "duplicate", 7L, random.nextInt(4) == 0 ? "key-" + i : null,
                    at.toString(), at.plusMillis(random.nextInt(5000)).toString()));
        }
        return rows;
    }

    private static Object[] row(long ws, long link, long affiliate, Long campaign, String ref, String visitor,
            String canonical, String method, float confidence, String fingerprint, String url, String referrer,
            String classification, long key, String idempotencyKey, String receivedAt, String processedAt) {
        return new Object[] {UUID.randomUUID(), ws, link, affiliate, campaign, ref, visitor, canonical, method,
                confidence, fingerprint, url, referrer, classification, key, idempotencyKey, receivedAt, processedAt};
    }

    private static void insertClicks(Handle h, List<Object[]> rows) {
        PreparedBatch batch = h.prepareBatch("insert into clicks (" + CLICK_COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, "
                + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz)");
        for (Object[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                if (r[i] == null) {
                    batch.bindNull(i, i == 4 ? java.sql.Types.BIGINT : java.sql.Types.VARCHAR);
                } else {
                    batch.bind(i, r[i]);
                }
            }
            batch.add();
        }
        batch.execute();
    }
}
