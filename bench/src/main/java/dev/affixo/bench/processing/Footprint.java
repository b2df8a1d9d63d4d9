package dev.affixo.bench.processing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Bytes per click where clicks are kept, for the capacity model (docs/scaling.md): in Kafka, the log segments of
 * a topic's partitions (record batches as the broker stores them, compressed as the producer sent them; index
 * files are preallocated and not counted); in PostgreSQL, {@code clicks} with and without its indexes.
 */
public final class Footprint {

    private Footprint() {
    }

    /** Sum of the {@code .log} segment files of every partition directory under {@code brokerDir} whose name matches. */
    public static long kafkaLogBytes(Path brokerDir, Predicate<String> partitionDirName) throws IOException {
        try (Stream<Path> files = Files.walk(brokerDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")
                            && f.getParent() != null && partitionDirName.test(f.getParent().getFileName().toString()))
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException gone) {
                            return 0;
                        }
                    }).sum();
        }
    }

    /** A partition directory of {@code topic}: {@code <topic>-<n>}. */
    public static Predicate<String> partitionsOf(String topic) {
        return dir -> dir.startsWith(topic + "-") && dir.substring(topic.length() + 1).chars().allMatch(Character::isDigit);
    }

    public record Table(long rows, long heapBytes, long totalBytes) {
        public double heapBytesPerRow() {
            return rows == 0 ? Double.NaN : (double) heapBytes / rows;
        }

        public double totalBytesPerRow() {
            return rows == 0 ? Double.NaN : (double) totalBytes / rows;
        }
    }

    /** Rows, heap (with TOAST) and total (with indexes) bytes of a table and its partitions, after a VACUUM ANALYZE. */
    public static Table table(DataSource db, String table) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("vacuum analyze " + table);
            long rows;
            try (ResultSet rs = st.executeQuery("select count(*) from " + table)) {
                rs.next();
                rows = rs.getLong(1);
            }
            // A partitioned table (clicks, since V4) holds nothing itself: its partitions hold the rows.
            try (ResultSet rs = st.executeQuery("select coalesce(sum(pg_table_size(c.oid)), 0),"
                    + " coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c"
                    + " where c.oid = '" + table + "'::regclass"
                    + " or c.oid in (select inhrelid from pg_inherits where inhparent = '" + table + "'::regclass)")) {
                rs.next();
                return new Table(rows, rs.getLong(1), rs.getLong(2));
            }
        }
    }
}
