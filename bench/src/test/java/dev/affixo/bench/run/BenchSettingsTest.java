package dev.affixo.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    /** A new phase must land in one of the two parts, or the documented benchmark would silently skip it. */
    @Test
    void thePartsTakeEveryDefaultPhaseExactlyOnce() {
        List<String> both = new ArrayList<>();
        BenchSettings.PARTS.forEach(both::addAll);

        assertThat(both).containsExactlyInAnyOrderElementsOf(BenchSettings.PHASES);
    }

    @Test
    void aPartIsNotAPartialRunAndKeepsItsPhases() {
        BenchSettings full = BenchSettings.full(Path.of("."), Path.of("out.json"), List.of());
        BenchSettings two = full.part(2, Path.of("results-part1.json"));

        assertThat(two.phases()).containsExactlyInAnyOrderElementsOf(BenchSettings.PARTS.get(1));
        assertThat(two.partial()).isFalse();
        assertThat(two.runLimit()).isEqualTo(full.runLimit());
        assertThat(two.withProcessorBefore(Path.of("old.jar")).part()).isEqualTo(two.part());
        assertThat(full.only(java.util.Set.of("ingest")).partial()).isTrue();
    }
}
