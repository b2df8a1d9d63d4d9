package dev.affixo.ingest.publish;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Fetches the topic's metadata once the app is up, so the first click does not pay for it. The API never
 * creates the topic: {@code affixo-admin topics create} does (the partition count is chosen once, on purpose).
 */
@Configuration(proxyBeanMethods = false)
class ProducerWarmUp {

    @EventListener(ApplicationReadyEvent.class)
    void warmProducer(ApplicationReadyEvent ready) throws InterruptedException {
        ready.getApplicationContext().getBean(ClickPublisher.class).warmUp();
    }
}
