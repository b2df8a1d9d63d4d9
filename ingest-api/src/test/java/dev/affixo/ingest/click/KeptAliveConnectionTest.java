package dev.affixo.ingest.click;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.affixo.infra.http.RawHttpConnection;
import dev.affixo.infra.http.RawHttpConnection.Response;
import dev.affixo.infra.seed.TestData;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A merchant's server keeps its connection alive: every request on it is answered, whatever came before. Reactor
 * Netty 1.3.6 stopped reading a kept-alive connection after a request that arrived before the previous one was
 * finished and was answered at once; the next request then got no answer at all — not even the 503 of the
 * request deadline, since it was never read.
 */
class KeptAliveConnectionTest extends IngestApiIntegrationTest {

    private static final Duration NO_ANSWER = Duration.ofSeconds(5);

    /**
     * A click for an unknown ref (404, answered from the lookup thread after the PostgreSQL miss), a GET written
     * together with it (405, answered at once on the event loop), then another request on the connection.
     */
    @Test
    void aRequestAfterAnEarlyArrivingOneIsAnswered() throws IOException {
        String key = data.workspace().key(600, "track");
        String methodNotAllowed = "GET /v1/track/click HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        for (int round = 0; round < 3; round++) {
            String body = "{\"ref\":\"unknown-" + UUID.randomUUID() + "\"}";
            String click = "POST /v1/track/click HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
            try (RawHttpConnection connection = new RawHttpConnection(port, NO_ANSWER)) {
                connection.write(click + methodNotAllowed);
                assertThat(answer(connection).status()).isEqualTo(404);
                assertThat(answer(connection).status()).isEqualTo(405);
                connection.write(methodNotAllowed);
                assertThat(answer(connection).status()).as("the next request on the connection").isEqualTo(405);
            }
        }
    }

    private static Response answer(RawHttpConnection connection) throws IOException {
        try {
            return connection.read().orElseGet(() -> fail("the server closed a kept-alive connection"));
        } catch (SocketTimeoutException noAnswer) {
            return fail("no answer within " + NO_ANSWER + ": the server left the request unread");
        }
    }
}
