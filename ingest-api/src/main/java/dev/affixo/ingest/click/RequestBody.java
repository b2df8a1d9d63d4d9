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
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
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
        checkBeforeReading(request);
        return read(request.body(BodyExtractors.toDataBuffers()));
    }

    /** The contract's checks that need no byte of the body: a declared length over the limit (413), then 415. */
    private void checkBeforeReading(ServerRequest request) {
        rejectDeclaredOverLimit(request.headers().contentLength());
        JsonContentType.require(request.headers().firstHeader(HttpHeaders.CONTENT_TYPE));
    }

    /** What {@link #readJson(ServerRequest, Receiver)} hands the body, or why there is none, to. */
    interface Receiver {
        void body(byte[] bytes);

        void failed(Throwable failure);
    }

    /**
     * As {@link #readJson(ServerRequest)}, for the single-click path: the checks that need no byte are made at once
     * (an {@link ApiException} is thrown), then the body goes to {@code receiver} without a Reactor operator in
     * between. Returns the read, for cancelling it when the request is given up on.
     */
    Subscription readJson(ServerRequest request, Receiver receiver) {
        checkBeforeReading(request);
        Collector collector = new Collector(maxBytes, receiver);
        request.exchange().getRequest().getBody().subscribe(collector);
        return collector;
    }

    /** The whole body (empty when there is none); fails with {@code payload_too_large} past the limit. */
    Mono<byte[]> read(Flux<DataBuffer> body) {
        return DataBufferUtils.join(body, maxBytes)
                .map(RequestBody::drain)
                .defaultIfEmpty(EMPTY)
                .onErrorMap(DataBufferLimitException.class, e -> ApiException.of(ApiError.PAYLOAD_TOO_LARGE));
    }

    /**
     * Copies each chunk out as it arrives and releases it at once, so no pooled buffer outlives its chunk; a body
     * of one chunk (the usual click) is copied exactly once.
     */
    private static final class Collector implements CoreSubscriber<DataBuffer>, Subscription {

        private final int maxBytes;
        private final Receiver receiver;
        private volatile Subscription upstream;
        private byte[] bytes = EMPTY;
        private boolean done;
        /** Set by {@link #cancel}, which may come from another thread, even before the body's subscription. */
        private volatile boolean cancelled;

        Collector(int maxBytes, Receiver receiver) {
            this.maxBytes = maxBytes;
            this.receiver = receiver;
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            if (cancelled) {
                s.cancel();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(DataBuffer chunk) {
            try {
                if (done || cancelled) {
                    return;
                }
                int n = chunk.readableByteCount();
                if ((long) bytes.length + n > maxBytes) {
                    done = true;
                    upstream.cancel();
                    receiver.failed(ApiException.of(ApiError.PAYLOAD_TOO_LARGE));
                    return;
                }
                byte[] joined = java.util.Arrays.copyOf(bytes, bytes.length + n);
                chunk.read(joined, bytes.length, n);
                bytes = joined;
            } finally {
                DataBufferUtils.release(chunk);
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (!done && !cancelled) {
                done = true;
                receiver.failed(failure);
            }
        }

        @Override
        public void onComplete() {
            if (!done && !cancelled) {
                done = true;
                receiver.body(bytes);
            }
        }

        @Override
        public void request(long n) {
            // the collector asks for everything itself
        }

        @Override
        public void cancel() {
            cancelled = true;
            Subscription s = upstream;
            if (s != null) {
                s.cancel();
            }
        }
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
