package dev.affixo.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WrkLoadTest {

    private static final String OUTPUT = """
            Running 20s test @ http://127.0.0.1:8080/v1/track/click
              2 threads and 64 connections
            WRK_RESULT {"requests":400000,"duration_us":20000000,"status":%d,"connect":0,"read":%d,"write":0,"timeout":0,"p50_us":2900,"p99_us":8100,"p999_us":15500,"max_us":41000}
            """;

    @Test
    void readsThroughputAndPercentilesFromTheScriptsSummaryLine() {
        LoadResult r = WrkLoad.parse("ingest-64", 64, OUTPUT.formatted(0, 0));

        assertThat(r.ok()).isEqualTo(400_000);
        assertThat(r.failed()).isZero();
        assertThat(r.failures()).isEmpty();
        assertThat(r.seconds()).isEqualTo(20.0);
        assertThat(r.rps()).isEqualTo(20_000.0);
        assertThat(r.p50Ms()).isEqualTo(2.9);
        assertThat(r.p99Ms()).isEqualTo(8.1);
        assertThat(r.p999Ms()).isEqualTo(15.5);
        assertThat(r.maxMs()).isEqualTo(41.0);
    }

    @Test
    void countsNon2xxAnswersAndSocketErrorsAsFailuresNotAsAccepted() {
        LoadResult r = WrkLoad.parse("ingest-64", 64, OUTPUT.formatted(25, 3));

        assertThat(r.ok()).isEqualTo(399_975);
        assertThat(r.failed()).isEqualTo(28);
        assertThat(r.failures()).isEqualTo(Map.of("status >= 400", 25L, "read error", 3L));
    }

    @Test
    void showsWrksTimeoutEventsWithoutCountingThemAsFailedRequests() {
        LoadResult r = WrkLoad.parse("ingest-64", 64, OUTPUT.formatted(0, 0).replace("\"timeout\":0", "\"timeout\":7"));

        assertThat(r.ok()).isEqualTo(400_000);
        assertThat(r.failed()).isZero();
        assertThat(r.failures()).isEqualTo(Map.of("wrk timeout events (not summed)", 7L));
    }

    @Test
    void failsClearlyWhenWrkPrintedNoSummary() {
        assertThatThrownBy(() -> WrkLoad.parse("x", 16, "unable to connect to 127.0.0.1:8080 Connection refused"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Connection refused");
    }
}
