package dev.affixo.processor.replay;

import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.partitions.ClickPartitions;
import dev.affixo.processor.sink.JdbiRowWriter;
import dev.affixo.processor.traffic.TrafficRules;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code java -jar click-processor.jar replay --from … [--to …] [--dry-run]}. A one-shot command: it boots a
 * Spring context of its own ({@link ReplayContext}: the configuration, DataSource, Flyway and Kafka settings of
 * the service, read from the same environment) with no web server and no live Kafka Streams instance, so it
 * runs beside a live processor on the same host (whose management port it would otherwise want), then runs
 * {@link Replay}. Exit codes: 0 done (or planned), 1 the replay failed, 2 bad arguments.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Reprocesses the accepted-clicks topic with the current matching and dedup settings and updates the rows",
                "of clicks received in [from, to) in place. State is re-derived from the beginning of retention, so",
                "labels in the range are exactly what a full replay gives. Configured by the same environment as the",
                "service (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, AFFIXO_PROCESSOR_*); --spring.* and --affixo.*",
                "arguments are passed on to it."})
public final class ReplayCommand implements Callable<Integer> {

    public static final String NAME = "replay";

    @Spec CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "INSTANT|earliest", converter = FromConverter.class,
            description = "first receive time to rewrite: an ISO-8601 instant (2026-11-24T08:00:00Z) or 'earliest'")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", converter = ToConverter.class,
            description = "end of the range, exclusive (default: now, so clicks still arriving stay the live "
                    + "processor's)")
    Instant to;

    @Option(names = "--dry-run", description = "print what would be replayed and exit without writing anything")
    boolean dryRun;

    @Unmatched
    List<String> springArguments = new ArrayList<>();

    private final Clock clock;

    public ReplayCommand() {
        this(Clock.systemUTC());
    }

    ReplayCommand(Clock clock) {
        this.clock = clock;
    }

    /** The command line {@code main} executes; tests set their own writers on it. */
    public static CommandLine commandLine() {
        return new CommandLine(new ReplayCommand());
    }

    /** What was asked, once picocli has parsed it; bad combinations are usage errors (exit 2). */
    ReplayArguments arguments() {
        for (String argument : springArguments) {
            if (!argument.startsWith("--spring.") && !argument.startsWith("--affixo.")) {
                throw new ParameterException(spec.commandLine(), "Unknown option: '" + argument + "'");
            }
        }
        try {
            return new ReplayArguments(new ReplayRange(from, to == null ? clock.instant() : to), dryRun);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ReplayArguments arguments = arguments();
        List<String> springArgs = new ArrayList<>(springArguments);
        // A command line argument, because application.yml sets the service's reactive web type and outranks the
        // builder's own setting: without this, a replay binds MANAGEMENT_PORT and fails next to a live processor.
        springArgs.add("--spring.main.web-application-type=none");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReplayContext.class)
                // readiness names the live processor's clickStreams indicator, which a replay does not have
                .properties("management.endpoint.health.validate-group-membership=false")
                .run(springArgs.toArray(String[]::new))) {
            Jdbi jdbi = Jdbi.create(context.getBean(DataSource.class));
            ProcessorProperties props = context.getBean(ProcessorProperties.class);
            // The live writer's rules: partitions made where missing, nothing older than the retention written.
            // ... and the configured traffic rules, so the replay re-labels with them (e.g. a new velocity threshold).
            JdbiRowWriter writer = new JdbiRowWriter(jdbi,
                    new ClickPartitions(jdbi, props.clickPartitionPeriod(), props.clickRetention()), clock,
                    TrafficRules.of(props));
            Replay replay = new Replay(props,
                    context.getBean(KafkaProperties.class).buildStreamsProperties(), jdbi, writer,
                    System.out, clock);
            return replay.run(arguments);
        }
    }

    /**
     * The replay's Spring context: auto-configuration (DataSource, Flyway, Kafka properties) and the processor's
     * settings, and nothing of the live service (no component scan of it: no streams client, no lag monitor).
     */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableConfigurationProperties(ProcessorProperties.class)
    static class ReplayContext {
    }

    static final class FromConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return ReplayRange.parseFrom(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ToConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return ReplayRange.parseInstant("--to", value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
