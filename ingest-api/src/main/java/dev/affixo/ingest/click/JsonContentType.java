package dev.affixo.ingest.click;

import dev.affixo.ingest.error.ApiError;
import dev.affixo.ingest.error.ApiException;
import java.util.Locale;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * Which request content types are JSON: none at all (server-to-server callers often omit it),
 * {@code application/json} and {@code application/*+json}, with any parameters. Anything else is 415.
 */
final class JsonContentType {

    private JsonContentType() {
    }

    /** @throws ApiException {@code unsupported_media_type} when {@code contentType} is present and not JSON */
    static void require(String contentType) {
        if (!isAcceptable(contentType)) {
            throw ApiException.of(ApiError.UNSUPPORTED_MEDIA_TYPE);
        }
    }

    static boolean isAcceptable(String contentType) {
        if (contentType == null) {
            return true;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
            return "application".equalsIgnoreCase(type.getType())
                    && ("json".equals(subtype) || subtype.endsWith("+json"));
        } catch (InvalidMediaTypeException e) {
            // an unparseable content type is not JSON either
            return false;
        }
    }
}
