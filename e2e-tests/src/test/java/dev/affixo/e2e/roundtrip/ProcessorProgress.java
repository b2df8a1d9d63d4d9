package dev.affixo.e2e.roundtrip;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the click processor has committed on the accepted-clicks topic. Under exactly-once a committed offset
 * means the records before it were processed in a committed transaction, dead letters included.
 */
final class ProcessorProgress implements AutoCloseable {

    private final Admin admin;
    private final String applicationId;

    ProcessorProgress(String bootstrapServers, String applicationId) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.applicationId = applicationId;
    }

    /** True once every partition's committed offset has reached {@code ends}. */
    boolean hasCommitted(Map<TopicPartition, Long> ends) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            long position = offset == null ? 0 : offset.offset();
            if (position < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        admin.close();
    }
}
