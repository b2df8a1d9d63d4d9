package dev.affixo.processor.erasure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * "No erased value in any column of any table": every text column of every table and view of the schema (found
 * through information_schema, so a table added later is scanned too), searched for each value as a whole and as a
 * part (a visitor id inside a url).
 */
public final class TextColumnScan {

    private TextColumnScan() {
    }

    /** "table.column" of every text column holding one of the values. */
    public static List<String> holding(Jdbi jdbi, String... values) {
        Object[] patterns = Arrays.stream(values)
                .map(v -> "%" + v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%").toArray();
        return jdbi.withHandle(h -> {
            List<Map<String, Object>> columns = h.createQuery("""
                    select table_name, column_name from information_schema.columns
                    where table_schema = current_schema() and data_type in ('text', 'character varying')""")
                    .mapToMap().list();
            List<String> found = new ArrayList<>();
            for (Map<String, Object> c : columns) {
                String table = quote((String) c.get("table_name"));
                String column = quote((String) c.get("column_name"));
                boolean holds = h.createQuery("select exists (select 1 from " + table + " where " + column
                                + " like any(:patterns))")
                        .bindArray("patterns", String.class, patterns)
                        .mapTo(Boolean.class).one();
                if (holds) {
                    found.add(c.get("table_name") + "." + c.get("column_name"));
                }
            }
            return found;
        });
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
