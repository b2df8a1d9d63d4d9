package dev.affixo.common;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde for {@link ClickEvent} through {@link ClickEventCodec}. */
public final class ClickEventSerde implements Serde<ClickEvent> {

    @Override
    public Serializer<ClickEvent> serializer() {
        return (topic, event) -> event == null ? null : ClickEventCodec.encode(event);
    }

    @Override
    public Deserializer<ClickEvent> deserializer() {
        return (topic, bytes) -> bytes == null ? null : ClickEventCodec.decode(bytes);
    }
}
