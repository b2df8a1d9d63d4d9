package dev.affixo.ingest.error;

import org.springframework.http.HttpStatus;

/** Every error the API answers with: the {@code error} code of the envelope and its HTTP status. */
public enum ApiError {
    UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED),
    INSUFFICIENT_SCOPE("insufficient_scope", HttpStatus.FORBIDDEN),
    RATE_LIMITED("rate_limited", HttpStatus.TOO_MANY_REQUESTS),
    PAYLOAD_TOO_LARGE("payload_too_large", HttpStatus.CONTENT_TOO_LARGE),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    INVALID_JSON("invalid_json", HttpStatus.BAD_REQUEST),
    INVALID_REQUEST("invalid_request", HttpStatus.BAD_REQUEST),
    LINK_NOT_FOUND("link_not_found", HttpStatus.NOT_FOUND),
    IDEMPOTENCY_KEY_REUSED("idempotency_key_reused", HttpStatus.UNPROCESSABLE_CONTENT),
    NOT_FOUND("not_found", HttpStatus.NOT_FOUND),
    METHOD_NOT_ALLOWED("method_not_allowed", HttpStatus.METHOD_NOT_ALLOWED),
    UNAVAILABLE("unavailable", HttpStatus.SERVICE_UNAVAILABLE),
    INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR);

    private final String code;
    private final HttpStatus status;

    ApiError(String code, HttpStatus status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }
}
