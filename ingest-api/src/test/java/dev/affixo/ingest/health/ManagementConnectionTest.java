package dev.affixo.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.affixo.infra.http.RawHttpConnection;
import dev.affixo.infra.http.RawHttpConnection.Response;
import dev.affixo.ingest.support.IngestApiIntegrationTest;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A request to the management port is answered, or its connection is closed — never left unread. Kubernetes
 * probes and Prometheus scrapes wait on it; a client that reuses a connection the server stopped reading waits
 * until its own timeout (once 15 s in {@code MissingTopicReadinessTest}), and one without a timeout forever.
 */
class ManagementConnectionTest extends IngestApiIntegrationTest {

    private static final Duration NO_ANSWER = Duration.ofSeconds(5);

    /**
     * The sequence that left a connection unread: a request finished off the event loop (readiness: PostgreSQL
     * and Kafka are asked on other threads), a second one arriving on the same connection before the first was
     * finished (here written together with it, which makes the race certain) and answered at once on the event
     * loop (404 for an unknown endpoint; liveness did the same in CI), then a third on that connection. Reactor
     * Netty 1.3.6 holds the second request back, answers it, and never reads the connection again: the third
     * was read only when its client gave up and closed the connection. Three rounds, a few milliseconds each;
     * without the fix the first fails after 5 s.
     */
    @Test
    void aRequestAfterAnEarlyArrivingOneIsAnswered() throws IOException {
        for (int round = 0; round < 3; round++) {
            try (RawHttpConnection connection = new RawHttpConnection(managementPort, NO_ANSWER)) {
                connection.get("/actuator/health/readiness", "/actuator/no-such-endpoint");
                List<Response> answered = readUntilClosed(connection, 2);
                assertThat(answered).as("the first request's answer").isNotEmpty();
                assertThat(answered.get(0).status()).isEqualTo(200);
                boolean reusable = answered.size() == 2 && answered.stream().noneMatch(Response::closesConnection);
                if (reusable) {
                    connection.get("/actuator/health/readiness");
                    assertThat(answer(connection)).as("the next request on the same connection").isPresent()
                            .get().extracting(Response::status).isEqualTo(200);
                } else {
                    // the server closed it, so the client knows to reconnect, as a probe does
                    try (RawHttpConnection next = new RawHttpConnection(managementPort, NO_ANSWER)) {
                        next.get("/actuator/health/readiness");
                        assertThat(answer(next)).as("the next request, on a new connection").isPresent()
                                .get().extracting(Response::status).isEqualTo(200);
                    }
                }
            }
        }
    }

    private static List<Response> readUntilClosed(RawHttpConnection connection, int expected) throws IOException {
        List<Response> answered = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            Optional<Response> response = answer(connection);
            if (response.isEmpty()) {
                break;
            }
            answered.add(response.get());
        }
        return answered;
    }

    /** The next response, or empty when the server closed the connection; a hang fails the test. */
    private static Optional<Response> answer(RawHttpConnection connection) throws IOException {
        try {
            return connection.read();
        } catch (SocketTimeoutException noAnswer) {
            return fail("no answer and no close within " + NO_ANSWER + ": the server left the request unread");
        }
    }
}
