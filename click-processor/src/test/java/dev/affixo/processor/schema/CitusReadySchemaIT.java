package dev.affixo.processor.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.junit.WithPipelineInfra;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The migrated schema runs on Citus with workspace_id as the distribution column (docs/scaling.md). Citus cannot run
 * here, so its rules are checked on the catalog of the migrated schema, against the one list of distributed and
 * reference tables, {@code db/citus/distribute.sql}.
 */
@WithPipelineInfra
class CitusReadySchemaIT {

    private static final String LAYOUT = "/db/citus/distribute.sql";
    private static final Pattern STATEMENT = Pattern.compile(
            "select create_(distributed|reference)_table\\('(\\w+)'(?:, '(\\w+)')?[^;]*\\);");

    private static PipelineInfra infra;

    @BeforeAll
    static void infra(PipelineInfra pipelineInfra) {
        infra = pipelineInfra;
    }

    /** Distributed tables → their distribution column; reference tables → null. In the file's order. */
    private static Map<String, String> layout() throws IOException {
        Map<String, String> tables = new LinkedHashMap<>();
        Matcher m = STATEMENT.matcher(layoutText());
        while (m.find()) {
            assertThat(tables.containsKey(m.group(2))).as(m.group(2) + " listed twice").isFalse();
            tables.put(m.group(2), m.group(1).equals("distributed") ? m.group(3) : null);
        }
        return tables;
    }

    private static String layoutText() throws IOException {
        try (InputStream in = CitusReadySchemaIT.class.getResourceAsStream(LAYOUT)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyTableIsDistributedByWorkspaceOrAReferenceTableAndEveryKeyOfADistributedOneHoldsWorkspaceId()
            throws IOException {
        Map<String, String> layout = layout();
        try (FreshDatabase db = FreshDatabase.create(infra).migrate(null)) {
            db.jdbi.useHandle(h -> {
                assertThat(new TreeSet<>(tables(h))).isEqualTo(new TreeSet<>(layout.keySet()));
                assertThat(layout.values().stream().filter(c -> c != null).distinct().toList())
                        .containsExactly("workspace_id");
                assertThat(keysWithoutDistributionColumn(h, layout)).isEmpty();
                assertThat(foreignKeysCitusRefuses(h, layout)).isEmpty();
            });
        }
    }

    /** The check is not vacuous: V3's clicks, keyed by event_id alone, fails it. */
    @Test
    void theSchemaBeforeV4FailsTheKeyRule() throws IOException {
        Map<String, String> layout = new LinkedHashMap<>(layout());
        layout.remove("click_keyed_events");
        layout.remove("link_daily_totals");
        layout.remove("erased_identities"); // V6
        try (FreshDatabase db = FreshDatabase.create(infra).migrate("3")) {
            List<String> problems = db.jdbi.withHandle(h -> keysWithoutDistributionColumn(h, layout));
            assertThat(problems).containsExactly("clicks: clicks_pkey");
        }
    }

    @Test
    void docsScalingShowsEveryStatementOfTheLayout() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "scaling.md"));
        Matcher m = STATEMENT.matcher(layoutText());
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            if (!doc.contains(m.group())) {
                missing.add(m.group());
            }
        }
        assertThat(missing).isEmpty();
    }

    /** Ordinary and partitioned tables of the schema, without partitions and Flyway's own table. */
    private static List<String> tables(Handle h) {
        return h.createQuery("""
                select c.relname from pg_class c
                where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
                  and c.relname <> 'flyway_schema_history'""").mapTo(String.class).list();
    }

    /** Primary keys, unique and exclusion constraints, and unique indexes that lack the distribution column. */
    private static List<String> keysWithoutDistributionColumn(Handle h, Map<String, String> layout) {
        List<String> problems = new ArrayList<>();
        layout.forEach((table, column) -> {
            if (column == null) {
                return;
            }
            problems.addAll(h.createQuery("""
                    select :table || ': ' || con.conname from pg_constraint con
                    where con.conrelid = :table::regclass and con.contype in ('p', 'u', 'x')
                      and not (select a.attnum from pg_attribute a
                               where a.attrelid = con.conrelid and a.attname = :column) = any(con.conkey)
                    union
                    select :table || ': ' || i.indexrelid::regclass::text from pg_index i
                    where i.indrelid = :table::regclass and i.indisunique
                      and not (select a.attnum from pg_attribute a
                               where a.attrelid = i.indrelid and a.attname = :column) = any(i.indkey)
                    """).bind("table", table).bind("column", column).mapTo(String.class).list());
        });
        return problems;
    }

    /**
     * Citus takes a foreign key from a distributed table to a reference table, or to another distributed table on
     * the distribution column; never from a reference table to a distributed one.
     */
    private static List<String> foreignKeysCitusRefuses(Handle h, Map<String, String> layout) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> fk : h.createQuery("""
                select con.conname, con.conrelid::regclass::text as from_table, con.confrelid::regclass::text as to_table,
                       (select array_agg(a.attname::text order by k.ord) from unnest(con.conkey) with ordinality k(n, ord)
                        join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n) as from_columns,
                       (select array_agg(a.attname::text order by k.ord) from unnest(con.confkey) with ordinality k(n, ord)
                        join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n) as to_columns
                from pg_constraint con
                where con.contype = 'f' and con.connamespace = 'public'::regnamespace
                  and con.conparentid = 0""").mapToMap().list()) {
            String from = (String) fk.get("from_table");
            String to = (String) fk.get("to_table");
            boolean fromDistributed = layout.get(from) != null;
            boolean toDistributed = layout.get(to) != null;
            if (!fromDistributed && toDistributed) {
                problems.add(fk.get("conname") + ": reference table " + from + " -> distributed " + to);
            } else if (fromDistributed && toDistributed) {
                List<String> fromColumns = columns(fk.get("from_columns"));
                List<String> toColumns = columns(fk.get("to_columns"));
                int i = fromColumns.indexOf(layout.get(from));
                if (i < 0 || !toColumns.get(i).equals(layout.get(to))) {
                    problems.add(fk.get("conname") + ": " + from + " -> " + to + " not on the distribution column");
                }
            }
        }
        return problems;
    }

    private static List<String> columns(Object sqlArray) {
        try {
            return List.of((String[]) ((java.sql.Array) sqlArray).getArray());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
