package dev.affixo.processor.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The replay command line, parsed by picocli; nothing here starts Spring or touches Kafka. */
class ReplayCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");

    @Test
    void fromEarliestToNowByDefault() {
        ReplayArguments args = parse("--from", "earliest");
        assertThat(args.range()).isEqualTo(new ReplayRange(Instant.MIN, NOW));
        assertThat(args.dryRun()).isFalse();
    }

    @Test
    void explicitRangeAndDryRun() {
        ReplayArguments args = parse("--from=2026-11-01T00:00:00Z", "--to", "2026-11-02T00:00:00Z", "--dry-run");
        assertThat(args.range()).isEqualTo(new ReplayRange(Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-11-02T00:00:00Z")));
        assertThat(args.dryRun()).isTrue();
    }

    @Test
    void springAndAffixoSettingsArePassedOnToTheContext() {
        ReplayCommand command = new ReplayCommand(Clock.fixed(NOW, ZoneOffset.UTC));
        new CommandLine(command).parseArgs("--from", "earliest", "--spring.datasource.url=jdbc:postgresql://db/x",
                "--affixo.processor.dedup-window=PT5M");
        assertThat(command.arguments().range().fromEarliest()).isTrue();
        assertThat(command.springArguments).containsExactly("--spring.datasource.url=jdbc:postgresql://db/x",
                "--affixo.processor.dedup-window=PT5M");
    }

    @Test
    void badArgumentsExitWith2AndSayWhatIsWrongWithoutStartingAnything() {
        assertUsageError("Missing required option: '--from=INSTANT|earliest'");
        assertUsageError("Missing required parameter for option '--from'", "--from");
        assertUsageError("must be an ISO-8601 instant like 2026-11-24T08:00:00Z or 'earliest', not 'yesterday'",
                "--from", "yesterday");
        assertUsageError("Unknown option: '--bogus'", "--from", "earliest", "--bogus");
        assertUsageError("--from must be before --to", "--from", "2026-11-25T00:00:00Z");
    }

    @Test
    void helpDescribesTheRangeAndExitsCleanly() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new ReplayCommand(Clock.fixed(NOW, ZoneOffset.UTC)));
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("Usage: replay", "--from=INSTANT|earliest", "--dry-run", "[from, to)");
    }

    @Test
    void rangeIsHalfOpen() {
        ReplayRange range = new ReplayRange(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-02T00:00:00Z"));
        assertThat(range.contains(Instant.parse("2026-11-01T00:00:00Z"))).isTrue();
        assertThat(range.contains(Instant.parse("2026-11-02T00:00:00Z"))).isFalse();
    }

    private static ReplayArguments parse(String... args) {
        ReplayCommand command = new ReplayCommand(Clock.fixed(NOW, ZoneOffset.UTC));
        new CommandLine(command).parseArgs(args);
        return command.arguments();
    }

    private static void assertUsageError(String message, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ReplayCommand(Clock.fixed(NOW, ZoneOffset.UTC)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains(message);
        assertThat(out.toString()).isEmpty();
    }
}
