package dev.affixo.processor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.affixo.common.ClickEvent;
import dev.affixo.infra.junit.PipelineInfra;
import dev.affixo.infra.verify.ClickModel;
import dev.affixo.infra.junit.WithPipelineInfra;
import dev.affixo.processor.ClickStreams;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Rows pending across a commit exist only in the pending-rows changelogs: the input offsets that made them are
 * committed, PostgreSQL does not have them. The instance holding them stops before writing them; the next one
 * starts with empty local state, so it can only get them by restoring the changelogs, and nothing will be
 * reprocessed to make them again. If the hand-over failed, the rows would be lost and the count would show it.
 *
 * <p>Both instances are static members, as StatefulSet pods are: the first leaves the group as it closes (one
 * member per stream thread, named by Streams {@code <group.instance.id>-<thread index>}), so the next one is given
 * the partitions at once instead of after the session timeout.
 */
@WithPipelineInfra
class PendingRowsHandOverIT {

    @Test
    void rowsPendingOnlyInTheChangelogAreWrittenByTheNextInstance(PipelineInfra infra) {
        try (PipelineHarness harness = new PipelineHarness(infra, "handover")) {
            long ws = ClickPipelineIT.newWorkspace();
            Map<ClickEvent, String> expected = ClickPipelineIT.scenario(ws);
            ClickPipelineIT.sendInOrder(harness, expected.keySet());

            // A write interval longer than the test and a batch larger than the input: this instance never writes.
            AtomicInteger writes = new AtomicInteger();
            ClickStreams first = harness.startStaticMember("processor-0",
                    PipelineHarness.withWriteInterval(harness.props, Duration.ofHours(1)), real -> batch -> {
                        writes.incrementAndGet();
                        return real.write(batch);
                    });
            await().atMost(Duration.ofSeconds(90)).until(harness::offsetsCommittedToEnd);
            assertThat(first.hasPendingRows()).isTrue();
            assertThat(harness.groupMembers()).containsExactly("processor-0-1");
            first.close();
            assertThat(harness.groupMembers()).as("a static member leaves the group as it closes").isEmpty();
            assertThat(writes).hasValue(0);
            assertThat(harness.rows(ws)).isZero();

            harness.startStaticMember("processor-1", harness.props, UnaryOperator.identity());
            await().atMost(Duration.ofSeconds(90)).until(harness::caughtUp);

            assertThat(harness.rows(ws)).isEqualTo(expected.size());
            assertThat(harness.labels(ws)).isEqualTo(ClickPipelineIT.byEventId(expected));
            assertThat(harness.rowsDifferingFrom(ClickModel.withDefaultWindow().expectedRows(harness.accepted(ws)), ws))
                    .isEmpty();
            assertThat(harness.count("select count(*) from visitor_aliases where workspace_id = :ws", ws))
                    .isEqualTo(20);
            assertThat(harness.count("select count(*) from visitors where workspace_id = :ws", ws)).isEqualTo(20);
        }
    }
}
