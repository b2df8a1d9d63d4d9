package dev.affixo.processor;

import org.apache.kafka.streams.processor.api.ProcessingContext;

/** {@code topic-partition@offset} of the record being processed, for dead-letter headers. */
final class Sources {

    private Sources() {
    }

    static String of(ProcessingContext context) {
        return context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
                .orElse("unknown");
    }
}
