package dev.affixo.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ResultsTest {

    @Test
    void dottedNamesBecomeNestedJsonWithTheRequiredKeys() {
        Results r = new Results()
                .put("ingest.rps", 4200.0)
                .put("ingest.p99_ms", 12.5)
                .put("memory.ingest_api_heap_mb", Double.NaN);

        JsonNode json = JsonMapper.builder().build().readTree(r.toJson());

        assertThat(json.get("ingest").get("rps").doubleValue()).isEqualTo(4200.0);
        assertThat(json.get("ingest").get("p99_ms").doubleValue()).isEqualTo(12.5);
        assertThat(json.get("memory").get("ingest_api_heap_mb").isNull()).isTrue();
        assertThat(r.number("ingest.rps")).isEqualTo(4200.0);
        assertThat(r.number("nothing.here")).isNaN();
    }

    /** Part 2 of the benchmark reads part 1's figures back from its file. */
    @Test
    void aWrittenFileReadsBackItsNumbersAndText(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("results-part1.json");
        java.nio.file.Files.writeString(file, new Results().put("ingest.builtin_closed_64.rps", 20123.5)
                .put("ingest.p99_ms", Double.NaN).put("machine.date", "2026-11-30T10:00Z").toJson());

        Results read = Results.read(file);

        assertThat(read.number("ingest.builtin_closed_64.rps")).isEqualTo(20123.5);
        assertThat(read.number("ingest.p99_ms")).isNaN();
        assertThat(read.text("machine.date")).isEqualTo("2026-11-30T10:00Z");
        assertThat(read.text("machine.nothing")).isEqualTo("—");
    }

    @Test
    void targetsSayPassMissOrNotAvailableAndHowFarOff() {
        assertThat(new Results.Target("t", 0.90, 0.85, true, "").status()).isEqualTo("PASS");
        Results.Target slow = new Results.Target("t", 0.68, 0.85, true, "");
        assertThat(slow.status()).isEqualTo("MISS");
        assertThat(slow.gap()).isEqualTo("short by 20 %");
        Results.Target heavy = new Results.Target("t", 160, 128, false, " MB");
        assertThat(heavy.gap()).isEqualTo("over by 25 %");
        assertThat(new Results.Target("t", Double.NaN, 1, true, "").status()).isEqualTo("N/A");
    }

    @Test
    void theTablePrintsHeaderRowsAndTargetsAndTheJsonCarriesTheTargets() {
        Results r = new Results();
        r.row(new Results.Row("ingest, 64 conns", 4000, 10, 20, 30, 0, ""));
        r.target(new Results.Target("ingest throughput / baseline (a)", 0.5, 0.85, true, ""));

        String table = r.table(List.of("cores: 2"));

        assertThat(table).contains("cores: 2", "ingest, 64 conns", "4000", "MISS", "short by 41 %");
        assertThat(r.toJson()).contains("\"status\" : \"MISS\"");
    }
}
