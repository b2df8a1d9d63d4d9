package dev.affixo.processor;

import dev.affixo.processor.config.ProcessorProperties;
import dev.affixo.processor.lag.LagMonitor;
import dev.affixo.processor.partitions.ClickPartitions;
import dev.affixo.processor.erasure.ErasureApplier;
import dev.affixo.processor.erasure.ErasureScheduler;
import dev.affixo.processor.erasure.JdbiErasureFeed;
import dev.affixo.processor.partitions.PartitionMaintenance;
import dev.affixo.processor.sink.JdbiRowWriter;
import dev.affixo.processor.sink.MeteredRowWriter;
import dev.affixo.processor.sink.RowWriter;
import dev.affixo.processor.tracing.TracingConfiguration;
import dev.affixo.processor.traffic.TrafficRules;
import dev.affixo.processor.traffic.UserAgents;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the processor. Kafka Streams is started by a {@link SmartLifecycle} after the context (and so Flyway,
 * which runs while the DataSource's dependants are created) is ready, and closed first on shutdown, so the
 * last batch is flushed and committed while PostgreSQL is still reachable. The processor creates no topic of
 * its own: {@code affixo-admin topics create} provisions the accepted-clicks and dead-letter topics.
 */
@Configuration(proxyBeanMethods = false)
class ProcessorConfiguration {

    @Bean
    Jdbi jdbi(DataSource dataSource) {
        return Jdbi.create(dataSource);
    }

    @Bean
    ClickPartitions clickPartitions(Jdbi jdbi, ProcessorProperties props) {
        return new ClickPartitions(jdbi, props.clickPartitionPeriod(), props.clickRetention());
    }

    /** Partitions ahead and retention: at start, before the streams, then hourly. */
    @Bean
    PartitionMaintenance partitionMaintenance(ClickPartitions partitions, ProcessorProperties props) {
        return new PartitionMaintenance(partitions, props.clickPartitionsAhead(), Clock.systemUTC());
    }

    /** Applies pending visitor erasures within seconds (docs/privacy.md). */
    @Bean
    ErasureScheduler erasureScheduler(Jdbi jdbi) {
        return new ErasureScheduler(new ErasureApplier(jdbi));
    }

    /** Built with the context, so the user-agent parser loads at startup, not on the first click. */
    @Bean
    TrafficRules trafficRules(ProcessorProperties props, MeterRegistry meterRegistry) {
        TrafficRules rules = TrafficRules.of(props);
        // A parse costs milliseconds, a cached label nanoseconds: a rising rate means the cache is too small or
        // someone is sending ever-new user agents.
        FunctionCounter.builder("affixo.processor.user.agent.parses", rules.userAgents(), UserAgents::parses)
                .description("User-Agent strings parsed (label cache misses)").register(meterRegistry);
        return rules;
    }

    @Bean
    RowWriter rowWriter(Jdbi jdbi, ClickPartitions partitions, TrafficRules rules, MeterRegistry meterRegistry) {
        return new MeteredRowWriter(new JdbiRowWriter(jdbi, partitions, Clock.systemUTC(), rules), meterRegistry);
    }

    @Bean(destroyMethod = "close")
    ClickStreams clickStreams(ProcessorProperties props, KafkaProperties kafka, RowWriter rowWriter,
            ObjectProvider<MeterRegistry> meterRegistry, Jdbi jdbi, TracingConfiguration.WriteTracing writeTracing) {
        return new ClickStreams(props, StreamsSettings.build(props, kafka.buildStreamsProperties()), rowWriter,
                meterRegistry.getIfAvailable(), ClickStreams.PARTITION_CHECK_INTERVAL, new JdbiErasureFeed(jdbi),
                writeTracing::around);
    }

    @Bean
    SmartLifecycle clickStreamsLifecycle(ClickStreams streams) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                streams.start();
                running = true;
            }

            @Override
            public void stop() {
                streams.close();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }

    @Bean
    LagMonitor lagMonitor(KafkaAdmin kafkaAdmin, ProcessorProperties props, KafkaProperties kafka,
                          MeterRegistry meterRegistry) {
        return new LagMonitor(kafkaAdmin.getConfigurationProperties(), props,
                StreamsSettings.build(props, kafka.buildStreamsProperties()), meterRegistry);
    }

    @Bean
    ClickStreamsHealthIndicator clickStreamsHealthIndicator(ClickStreams streams) {
        return new ClickStreamsHealthIndicator(streams);
    }
}
