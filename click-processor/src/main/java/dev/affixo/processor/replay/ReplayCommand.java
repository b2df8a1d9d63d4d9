package dev.affixo.processor.replay;

import dev.affixo.processor.ClickProcessorApplication;
import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.sink.RowWriter;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code replay} entry point. Boots the processor's Spring context without a web server and without
 * the live Kafka Streams instance ({@code affixo.processor.mode=replay}), so the replay is configured by
 * exactly the same environment as the service, then runs {@link Replay}.
 */
public final class ReplayCommand {

    private ReplayCommand() {
    }

    /** Returns the exit code: 0 success, 1 the replay failed, 2 bad arguments. */
    public static int run(String[] args) {
        Clock clock = Clock.systemUTC();
        ReplayArguments arguments;
        try {
            if (List.of(args).contains("--help")) {
                System.out.println(ReplayArguments.USAGE);
                return 0;
            }
            arguments = ReplayArguments.parse(List.of(args), clock.instant());
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println(ReplayArguments.USAGE);
            return 2;
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ClickProcessorApplication.class)
                .web(WebApplicationType.NONE)
                .properties("affixo.processor.mode=replay",
                        "management.endpoint.health.validate-group-membership=false")
                .run(args)) {
            Replay replay = new Replay(context.getBean(ProcessorProperties.class),
                    context.getBean(KafkaProperties.class).buildStreamsProperties(),
                    context.getBean(Jdbi.class), context.getBean(RowWriter.class), System.out, clock);
            return replay.run(arguments);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
