package dev.affixo.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.processor.sink.SinkUnavailableException;
import java.time.Duration;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ReplaceThreadOnFailureTest {

    private final ReplaceThreadOnFailure handler = new ReplaceThreadOnFailure(Duration.ZERO);

    @Test
    void stopsTheClientWhenStreamsFindsInternalTopicsWithAnotherPartitionCount() {
        // Kafka 4.1's InternalTopicManager message, as it reaches the handler (wrapped by the assignor's caller)
        StreamsException mismatch = new StreamsException(new IllegalStateException("Existing internal topic "
                + "app-fingerprint-aliases-changelog has invalid partitions: expected: 4; actual: 3. Use "
                + "'org.apache.kafka.tools.StreamsResetter' tool to clean up invalid topics before processing."));

        assertThat(handler.handle(mismatch)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void replacesTheThreadOnAnyOtherFailure() {
        assertThat(handler.handle(new StreamsException(new SinkUnavailableException("PostgreSQL is down", null))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
