package dev.affixo.ingest.error;

/**
 * A request that ends in an error envelope. Thrown (or signalled) anywhere in the request path and
 * turned into a response in one place, {@link ErrorResponses}. No stack trace: these are expected
 * outcomes, and bad input must be cheap to reject.
 */
public final class ApiException extends RuntimeException {

    private final ApiError error;
    private final String detail;

    private ApiException(ApiError error, String detail, Throwable cause) {
        super(detail == null ? error.code() : error.code() + ": " + detail, cause, false, false);
        this.error = error;
        this.detail = detail;
    }

    public static ApiException of(ApiError error) {
        return new ApiException(error, null, null);
    }

    /** 400 invalid_request; {@code detail} is "field: reason". */
    public static ApiException invalidRequest(String field, String reason) {
        return new ApiException(ApiError.INVALID_REQUEST, field + ": " + reason, null);
    }

    public static ApiException unavailable(Throwable cause) {
        return new ApiException(ApiError.UNAVAILABLE, null, cause);
    }

    public ApiError error() {
        return error;
    }

    public String detail() {
        return detail;
    }
}
