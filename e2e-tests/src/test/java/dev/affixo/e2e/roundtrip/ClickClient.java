package dev.affixo.e2e.roundtrip;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Sends bodies to {@code POST /v1/track/click} (and batches to {@code /v1/track/clicks}) without waiting, all at once. */
final class ClickClient {

    /** Status and body of one answer; status -1 when no answer came (the message says why). */
    record Reply(int status, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final URI endpoint;
    private final URI batchEndpoint;
    private final String token;

    ClickClient(String apiBaseUrl, String token) {
        this.endpoint = URI.create(apiBaseUrl + "/v1/track/click");
        this.batchEndpoint = URI.create(apiBaseUrl + "/v1/track/clicks");
        this.token = token;
    }

    CompletableFuture<Reply> send(ClickBody body, String idempotencyKey) {
        return send(endpoint, body.json(), idempotencyKey);
    }

    /** {@code {"clicks":[…]}} of these item texts to {@code POST /v1/track/clicks}. */
    CompletableFuture<Reply> sendBatch(List<String> items) {
        return send(batchEndpoint, "{\"clicks\":[" + String.join(",", items) + "]}", null);
    }

    private CompletableFuture<Reply> send(URI target, String json, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                // the contract: every request is answered within 5 s; twice that is a hang
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.getBytes(StandardCharsets.UTF_8)));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> new Reply(response.statusCode(), response.body()))
                .exceptionally(failure -> new Reply(-1, "no answer: " + failure));
    }
}
