package dev.affixo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickOrigin;
import dev.affixo.common.MatchMethod;
import dev.affixo.processor.sink.AliasRow;
import dev.affixo.processor.sink.ClickRow;
import dev.affixo.processor.traffic.BotReason;
import dev.affixo.processor.traffic.TrafficLabel;
import dev.affixo.processor.traffic.TrafficRules;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Every wire version still in retention must be processed by this processor. Each golden file holds the
 * exact bytes an ingest API of that version wrote; it is never regenerated, only added to.
 */
class VersionedFormatTest {

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = VersionedFormatTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void goldenVersion1RecordIsDecodedAndStored() throws IOException {
        try (TopologyFixture topology = new TopologyFixture()) {
            topology.sendRaw("42:f:fp_3c59dc048e8850243be8079a5c74d079", golden("click-event-v1.json"));

            assertThat(topology.deadLetters()).isEmpty();
            ClickRow row = topology.rows.click("0195508c-1e00-7a3b-9c41-2f6d8e0a1b2c");
            assertThat(row).isNotNull();
            var e = row.event();
            assertThat(e.workspaceId()).isEqualTo(42);
            assertThat(e.linkId()).isEqualTo(7001);
            assertThat(e.affiliateId()).isEqualTo(501);
            assertThat(e.campaignId()).isEqualTo(9L);
            assertThat(e.ref()).isEqualTo("spring-sale");
            assertThat(e.visitorId()).isEqualTo("vis_8f14e45fceea167a");
            assertThat(e.matchMethod()).isEqualTo(MatchMethod.COOKIE);
            assertThat(e.matchConfidence()).isEqualTo(1.0);
            assertThat(e.fingerprint()).isEqualTo("fp_3c59dc048e8850243be8079a5c74d079");
            assertThat(e.url()).isEqualTo("https://shop.example/products/42?utm_source=affixo");
            assertThat(e.referrer()).isEqualTo("https://blog.example/best-of-2025");
            assertThat(e.keyId()).isEqualTo(12);
            assertThat(e.idempotencyKey()).isEqualTo("req-2025-03-01-0001");
            assertThat(e.receivedAt()).isEqualTo(Instant.ofEpochMilli(1740830400123L));
            assertThat(row.canonicalVisitorId()).isEqualTo("vis_8f14e45fceea167a");
            assertThat(row.classification().wire()).isEqualTo("unique");
            assertThat(topology.rows.aliases()).containsExactly(new AliasRow(42,
                    "fp_3c59dc048e8850243be8079a5c74d079", "vis_8f14e45fceea167a", Instant.ofEpochMilli(1740830400123L)));
        }
    }

    @Test
    void goldenVersion2RecordKeepsItsOrigin() throws IOException {
        try (TopologyFixture topology = new TopologyFixture()) {
            topology.sendRaw("42:f:fp_3c59dc048e8850243be8079a5c74d079", golden("click-event-v2.json"));

            assertThat(topology.deadLetters()).isEmpty();
            ClickRow row = topology.rows.click("0195508c-1e00-7a3b-9c41-2f6d8e0a1b2d");
            assertThat(row).isNotNull();
            assertThat(row.event().ref()).isEqualTo("spring-sale");
            assertThat(row.event().origin()).isEqualTo(new ClickOrigin(
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                            + "Chrome/131.0.0.0 Safari/537.36",
                    "81.2.69.0/24", "5f2b3c0e6a1d4e9f8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f", "GB", 15169L,
                    true, false));
            // The labels the sink stores for it (TrafficTotalsIT stores this record and reads every column back):
            // a Chrome user agent from a hosting provider's address.
            assertThat(TrafficRules.defaults().label(row.event().origin()))
                    .isEqualTo(new TrafficLabel(BotReason.HOSTING_NETWORK, "Desktop", "Chrome"));
        }
    }
}
