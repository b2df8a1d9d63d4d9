package dev.affixo.ingest.click;

import dev.affixo.ingest.ratelimit.RateLimitDecision;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A tracking endpoint's 200: a JSON body that is already bytes, and the key's rate-limit headers, written straight to
 * the response. {@code ServerResponse.ok().bodyValue(bytes)} would look for a message writer, merge encoding hints
 * and copy its headers for every click; nothing here needs any of that.
 */
final class OkResponse implements ServerResponse {

    private static final MultiValueMap<String, ResponseCookie> NO_COOKIES =
            CollectionUtils.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

    private final byte[] body;
    private final RateLimitDecision limit;

    OkResponse(byte[] body, RateLimitDecision limit) {
        this.body = body;
        this.limit = limit;
    }

    @Override
    public HttpStatusCode statusCode() {
        return HttpStatus.OK;
    }

    /** The headers it will write (a copy: this response writes its headers itself, in {@link #writeTo}). */
    @Override
    public HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        writeHeaders(headers);
        return HttpHeaders.readOnlyHttpHeaders(headers);
    }

    @Override
    public MultiValueMap<String, ResponseCookie> cookies() {
        return NO_COOKIES;
    }

    @Override
    public Mono<Void> writeTo(ServerWebExchange exchange, Context context) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.OK);
        writeHeaders(response.getHeaders());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private void writeHeaders(HttpHeaders headers) {
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.setContentLength(body.length);
        limit.writeHeaders(headers);
    }
}
