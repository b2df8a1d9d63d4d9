package dev.affixo.bench.processing;

import dev.affixo.bench.stack.ProcessCpu;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * PostgreSQL CPU spent on the bench's own {@code count(*)} polls while it waits for a burst to drain: a sequential
 * scan of the whole table every 250 ms is a large share of the database's CPU in that window (a third or more),
 * and none of it is the pipeline's. Calibrated right after the drain by timing a few counts of the final table,
 * then scaled to the polls made and the mean table size they scanned (a count's cost grows with the rows it scans).
 */
public final class CountPollCost {

    private static final int SAMPLES = 20;

    private CountPollCost() {
    }

    /** Estimated PostgreSQL CPU ms of {@code polls} counts over a table of {@code meanRows} rows; NaN on failure. */
    public static double cpuMs(DataSource dataSource, Path pgDataDir, long polls, double meanRows) {
        try {
            ProcessCpu.Window w = ProcessCpu.start(Map.of("postgres", ProcessCpu.postgres(pgDataDir)));
            long rows = 0;
            for (int i = 0; i < SAMPLES; i++) {
                rows = count(dataSource);
            }
            double msPerCount = w.msPerClick(SAMPLES).get("postgres");
            return rows > 0 ? polls * msPerCount * meanRows / rows : Double.NaN;
        } catch (SQLException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static long count(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
             ResultSet rs = c.createStatement().executeQuery("select count(*) from clicks")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
