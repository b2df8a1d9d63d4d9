package dev.affixo.ingest.publish;

import dev.affixo.ingest.config.IngestProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.config.TopicBuilder;

@Configuration(proxyBeanMethods = false)
class KafkaTopicConfig {

    /** Created at start when missing (by spring-kafka's KafkaAdmin); an existing topic is never altered. */
    @Bean
    NewTopic acceptedClicksTopic(IngestProperties p) {
        TopicBuilder topic = TopicBuilder.name(p.acceptedTopic()).partitions(p.topicPartitions());
        if (p.topicReplicationFactor() > 0) {
            topic.replicas(p.topicReplicationFactor());
        }
        return topic.build();
    }

    @EventListener(ApplicationReadyEvent.class)
    void warmProducer(ApplicationReadyEvent ready) throws InterruptedException {
        ready.getApplicationContext().getBean(ClickPublisher.class).warmUp();
    }
}
