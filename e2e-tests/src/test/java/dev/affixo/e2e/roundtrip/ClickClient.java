package dev.affixo.e2e.roundtrip;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Sends bodies to {@code POST /v1/track/click} without waiting, as many at once as the batch holds. */
final class ClickClient {

    /** Status and body of one answer; status -1 when no answer came (the message says why). */
    record Reply(int status, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final URI endpoint;
    private final String token;

    ClickClient(String apiBaseUrl, String token) {
        this.endpoint = URI.create(apiBaseUrl + "/v1/track/click");
        this.token = token;
    }

    CompletableFuture<Reply> send(ClickBody body, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                // the contract: every request is answered within 5 s; twice that is a hang
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.json().getBytes(StandardCharsets.UTF_8)));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> new Reply(response.statusCode(), response.body()))
                .exceptionally(failure -> new Reply(-1, "no answer: " + failure));
    }
}
