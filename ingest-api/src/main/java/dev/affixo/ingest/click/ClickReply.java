package dev.affixo.ingest.click;

import java.io.ByteArrayOutputStream;
import tools.jackson.core.JsonGenerator;
import dev.affixo.common.HotPathJson;
import tools.jackson.databind.json.JsonMapper;

/** The 200 body: {@code {"ok":true,"visitor_id":…,"match_method":…,"match_confidence":…}}. */
final class ClickReply {

    private static final JsonMapper JSON = HotPathJson.mapper().build();

    private ClickReply() {
    }

    /**
     * Written with the streaming generator into a small buffer: the reply is on the hot path, and a
     * retried request must get byte-for-byte the same body, which a fixed field order guarantees.
     */
    static byte[] accepted(VisitorAssignment visitor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeBooleanProperty("ok", true);
            g.writeStringProperty("visitor_id", visitor.visitorId());
            g.writeStringProperty("match_method", visitor.method().wire());
            g.writeNumberProperty("match_confidence", visitor.confidence());
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
