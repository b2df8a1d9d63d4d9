package dev.affixo.ingest.error;

import org.springframework.http.HttpStatus;

/** Every error the API answers with: the {@code error} code of the envelope and its HTTP status. */
public enum ApiError {
    UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED),
    /** A tracking call by a key without {@code track} (or {@code *}). */
    INSUFFICIENT_SCOPE("insufficient_scope", HttpStatus.FORBIDDEN, "track"),
    /** A call that changes stored data (an erasure) by a key without {@code write} (or {@code *}). */
    INSUFFICIENT_WRITE_SCOPE("insufficient_scope", HttpStatus.FORBIDDEN, "write"),
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
    private final String need;

    ApiError(String code, HttpStatus status) {
        this(code, status, null);
    }

    ApiError(String code, HttpStatus status, String need) {
        this.code = code;
        this.status = status;
        this.need = need;
    }

    /** The scope a 403 names in {@code need} and {@code WWW-Authenticate}; null for every other error. */
    public String need() {
        return need;
    }

    public String code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }
}
