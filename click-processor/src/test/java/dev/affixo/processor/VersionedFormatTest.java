package dev.affixo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.MatchMethod;
import dev.affixo.processor.sink.AliasRow;
import dev.affixo.processor.sink.ClickRow;
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
}
