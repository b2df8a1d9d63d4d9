package dev.affixo.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ApiStagesTest {

    @Test
    void aWindowIsTheDifferenceOfTwoScrapesAndItsQuantilesAreInterpolatedInTheirBucket() {
        // before: 10 samples all <= 1 ms; after: 10 more, 5 in (1, 2] ms and 5 in (2, 4] ms
        ApiStages.Scrape before = new ApiStages.Scrape(Map.of("auth", buckets(10, 10, 10, 10)), Map.of("auth", 0.005));
        ApiStages.Scrape after = new ApiStages.Scrape(Map.of("auth", buckets(10, 15, 20, 20)), Map.of("auth", 0.035));

        ApiStages.Stage auth = ApiStages.between(before, after).get("auth");

        assertThat(auth.samples()).isEqualTo(10);
        assertThat(auth.meanMs()).isCloseTo(3.0, within(1e-9));
        // rank 5 of 10 is the top of the (1, 2] bucket; rank 9.9 is 98 % into (2, 4]
        assertThat(auth.p50Ms()).isCloseTo(2.0, within(1e-9));
        assertThat(auth.p99Ms()).isCloseTo(2.0 + 2.0 * 4.9 / 5, within(1e-9));
    }

    @Test
    void readsTheStageHistogramsOfAPrometheusExposition() {
        String text = """
                # HELP affixo_ingest_stage_seconds Time of one stage
                affixo_ingest_stage_seconds_bucket{application="ingest-api",stage="parse",le="0.001"} 7.0
                affixo_ingest_stage_seconds_bucket{application="ingest-api",stage="parse",le="+Inf"} 9.0
                affixo_ingest_stage_seconds_count{application="ingest-api",stage="parse"} 9.0
                affixo_ingest_stage_seconds_sum{application="ingest-api",stage="parse"} 0.0123
                affixo_ingest_request_seconds_bucket{application="ingest-api",outcome="accepted",le="0.001"} 5.0
                """;

        ApiStages.Scrape scrape = ApiStages.parse(text);

        assertThat(scrape.buckets()).containsOnlyKeys("parse");
        assertThat(scrape.buckets().get("parse")).containsExactly(Map.entry(0.001, 7.0),
                Map.entry(Double.POSITIVE_INFINITY, 9.0));
        assertThat(scrape.sums()).containsExactly(Map.entry("parse", 0.0123));
    }

    @Test
    void readsTheAcknowledgedPublishTimerAsPublishAndSplitsTheAckIntoRoundTripAndHop() {
        String text = """
                affixo_ingest_publish_seconds_bucket{application="ingest-api",outcome="acknowledged",le="0.001"} 3.0
                affixo_ingest_publish_seconds_bucket{application="ingest-api",outcome="acknowledged",le="+Inf"} 4.0
                affixo_ingest_publish_seconds_sum{application="ingest-api",outcome="acknowledged"} 0.004
                affixo_ingest_publish_seconds_bucket{application="ingest-api",outcome="failed",le="+Inf"} 9.0
                affixo_ingest_publish_seconds_sum{application="ingest-api",outcome="failed"} 7.5
                """;

        ApiStages.Scrape scrape = ApiStages.parse(text);

        assertThat(scrape.buckets()).containsOnlyKeys("publish");
        assertThat(scrape.buckets().get("publish")).containsExactly(Map.entry(0.001, 3.0),
                Map.entry(Double.POSITIVE_INFINITY, 4.0));
        assertThat(scrape.sums()).containsExactly(Map.entry("publish", 0.004));

        // send 0.1 ms, publish (send() to the callback) 0.7 ms, ack (send()'s return to the event loop) 1.0 ms:
        // the round trip after send() returned is 0.6, the hop the remaining 0.4
        Map<String, ApiStages.Stage> stages = Map.of(
                "send", new ApiStages.Stage("send", 10, 0.1, 0.1, 0.1),
                "publish", new ApiStages.Stage("publish", 640, 0.7, 0.7, 0.7),
                "ack", new ApiStages.Stage("ack", 10, 1.0, 1.0, 1.0));
        assertThat(ApiStages.hopMs(stages)).isCloseTo(0.4, within(1e-9));
        assertThat(ApiStages.hopMs(Map.of("ack", stages.get("ack")))).isNaN();
    }

    /** Cumulative counts at le = 1, 2, 4 ms and +Inf. */
    private static TreeMap<Double, Double> buckets(double atOne, double atTwo, double atFour, double all) {
        TreeMap<Double, Double> b = new TreeMap<>();
        b.put(0.001, atOne);
        b.put(0.002, atTwo);
        b.put(0.004, atFour);
        b.put(Double.POSITIVE_INFINITY, all);
        return b;
    }
}
