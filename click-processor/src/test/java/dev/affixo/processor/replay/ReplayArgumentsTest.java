package dev.affixo.processor.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayArgumentsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");

    @Test
    void fromEarliestToNowByDefault() {
        ReplayArguments args = ReplayArguments.parse(List.of("--from", "earliest"), NOW);
        assertThat(args.range()).isEqualTo(new ReplayRange(Instant.MIN, NOW));
        assertThat(args.dryRun()).isFalse();
    }

    @Test
    void explicitRangeAndDryRun() {
        ReplayArguments args = ReplayArguments.parse(
                List.of("--from=2026-11-01T00:00:00Z", "--to", "2026-11-02T00:00:00Z", "--dry-run"), NOW);
        assertThat(args.range()).isEqualTo(new ReplayRange(Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-02T00:00:00Z")));
        assertThat(args.dryRun()).isTrue();
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> ReplayArguments.parse(List.of(), NOW)).hasMessageContaining("--from is required");
        assertThatThrownBy(() -> ReplayArguments.parse(List.of("--from"), NOW)).hasMessage("--from needs a value");
        assertThatThrownBy(() -> ReplayArguments.parse(List.of("--from", "yesterday"), NOW))
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> ReplayArguments.parse(List.of("--from", "earliest", "--bogus"), NOW))
                .hasMessage("unknown argument '--bogus'");
        assertThatThrownBy(() -> ReplayArguments.parse(List.of("--from", "2026-11-25T00:00:00Z"), NOW))
                .hasMessageContaining("--from must be before --to");
    }

    @Test
    void rangeIsHalfOpen() {
        ReplayRange range = new ReplayRange(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-02T00:00:00Z"));
        assertThat(range.contains(Instant.parse("2026-11-01T00:00:00Z"))).isTrue();
        assertThat(range.contains(Instant.parse("2026-11-02T00:00:00Z"))).isFalse();
    }
}
