package dev.affixo.processor;

import dev.affixo.processor.replay.ReplayCommand;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * {@code java -jar click-processor.jar} runs the processor; {@code java -jar click-processor.jar replay …}
 * reprocesses history with the same configuration in a context of its own (see {@link ReplayCommand}), which
 * knows nothing of this class.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ClickProcessorApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(ReplayCommand.NAME)) {
            System.exit(ReplayCommand.commandLine().execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        SpringApplication.run(ClickProcessorApplication.class, args);
    }
}
