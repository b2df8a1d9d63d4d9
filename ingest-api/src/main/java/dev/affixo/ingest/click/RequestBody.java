package dev.affixo.ingest.click;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import java.util.OptionalLong;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request body as one byte array, never more than {@code maxBytes}: a declared {@code Content-Length}
 * over the limit is refused before a byte is read, and a chunked body is cut off at the limit, so a client
 * cannot make the API buffer more than that whatever it sends.
 */
final class RequestBody {

    private static final byte[] EMPTY = new byte[0];

    private final int maxBytes;

    RequestBody(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** @throws ApiException {@code payload_too_large} when the declared length is over the limit */
    void rejectDeclaredOverLimit(OptionalLong contentLength) {
        if (contentLength.isPresent() && contentLength.getAsLong() > maxBytes) {
            throw ApiException.of(ApiError.PAYLOAD_TOO_LARGE);
        }
    }

    /**
     * The body of a request that must be JSON, with the checks of the contract's order: a declared length over
     * the limit (413) before the content type (415) before reading (413 once a streamed body passes the limit).
     */
    Mono<byte[]> readJson(ServerRequest request) {
        rejectDeclaredOverLimit(request.headers().contentLength());
        JsonContentType.require(request.headers().firstHeader(HttpHeaders.CONTENT_TYPE));
        return read(request.body(BodyExtractors.toDataBuffers()));
    }

    /** The whole body (empty when there is none); fails with {@code payload_too_large} past the limit. */
    Mono<byte[]> read(Flux<DataBuffer> body) {
        return DataBufferUtils.join(body, maxBytes)
                .map(RequestBody::drain)
                .defaultIfEmpty(EMPTY)
                .onErrorMap(DataBufferLimitException.class, e -> ApiException.of(ApiError.PAYLOAD_TOO_LARGE));
    }

    /** Copies the bytes out and releases the pooled buffer at once, so no buffer outlives this call. */
    private static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
