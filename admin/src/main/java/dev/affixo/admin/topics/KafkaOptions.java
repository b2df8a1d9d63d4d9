package dev.affixo.admin.topics;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** Where Kafka is: an option, else the same environment variable the services read. */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", required = true,
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}",
            description = "Kafka brokers (default: $KAFKA_BOOTSTRAP_SERVERS)")
    String bootstrapServers;

    public Admin open() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // fail within the command's own bound rather than the client's 60 s default
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000));
    }
}
