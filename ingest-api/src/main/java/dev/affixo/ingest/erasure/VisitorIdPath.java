package dev.affixo.ingest.erasure;

import dev.affixo.common.erasure.ErasureRequest;
import dev.affixo.ingest.error.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The {@code visitor_id} of {@code DELETE /v1/visitors/{visitor_id}}, decoded from the raw request path — not from a
 * framework path variable, which would have split {@code a%2Fb} at the slash or left {@code %FF} as U+FFFD. One path
 * segment, percent-decoded as UTF-8 strictly ({@code +} is a plus, as in any path), then held to the rules of a
 * click's {@code visitor_id}, so any id the API ever replied with can be erased: a {@code /}, {@code ?}, {@code #},
 * {@code %}, space or non-ASCII character in it is sent percent-encoded.
 */
final class VisitorIdPath {

    static final String PREFIX = "/v1/visitors/";
    private static final String FIELD = "visitor_id";

    private VisitorIdPath() {
    }

    /** The decoded id from the raw (still encoded) path; 400 invalid_request when it is none. */
    static String visitorId(String rawPath) {
        String segment = rawPath.length() <= PREFIX.length() ? "" : rawPath.substring(PREFIX.length());
        if (segment.indexOf('/') >= 0) {
            throw ApiException.invalidRequest(FIELD, "must be one path segment (encode / as %2F)");
        }
        String id = decode(segment);
        String problem = ErasureRequest.problem(id);
        if (problem != null) {
            throw ApiException.invalidRequest(FIELD, problem);
        }
        return id;
    }

    private static String decode(String segment) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
                if (lo < 0) {
                    throw ApiException.invalidRequest(FIELD, "malformed percent-encoding");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c > 0x7e || c < 0x21) {
                // Not legal in a request target (RFC 3986); how a server decoded such bytes is a guess, so no guess.
                throw ApiException.invalidRequest(FIELD, "non-ASCII characters must be percent-encoded as UTF-8");
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.invalidRequest(FIELD, "not UTF-8 once percent-decoded");
        }
    }
}
