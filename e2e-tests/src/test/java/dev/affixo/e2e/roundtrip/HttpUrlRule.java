package dev.affixo.e2e.roundtrip;

import java.util.regex.Pattern;

/**
 * The oracle's reading of "url: an absolute http(s) URI" (openapi.yaml), written independently of the API's parser:
 * scheme http or https (any case), {@code //}, a host (DNS name or IPv4, ASCII), an optional port, then an optional
 * path, query and fragment made of URI characters, {@code %XX} escapes, or non-ASCII letters, marks and symbols as
 * an IRI (RFC 3987) allows them. The generator only produces URLs far from the grey zones between URI readings
 * (no brackets, no Unicode hosts, no format or space characters), so any reasonable parser agrees with this rule.
 */
final class HttpUrlRule {

    private static final Pattern PREFIX = Pattern.compile(
            "(?i:https?)://([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)"
                    + "(?::[0-9]{1,5})?");
    private static final String URI_PUNCTUATION = "-._~!$&'()*+,;=:@/?%#";

    private HttpUrlRule() {
    }

    static boolean accepts(String url) {
        var prefix = PREFIX.matcher(url);
        if (!prefix.lookingAt()) {
            return false;
        }
        String rest = url.substring(prefix.end());
        if (!rest.isEmpty() && "/?#".indexOf(rest.charAt(0)) < 0) {
            return false; // e.g. "https://shop.example_x" or a port that is not a number
        }
        boolean inFragment = false;
        for (int i = 0; i < rest.length(); ) {
            int cp = rest.codePointAt(i);
            if (cp == '%') {
                if (i + 2 >= rest.length() || !isHex(rest.charAt(i + 1)) || !isHex(rest.charAt(i + 2))) {
                    return false;
                }
            } else if (cp == '#') {
                if (inFragment) {
                    return false;
                }
                inFragment = true;
            } else if (!isUriChar(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static boolean isUriChar(int cp) {
        if (cp < 0x80) {
            return Character.isLetterOrDigit(cp) || URI_PUNCTUATION.indexOf(cp) >= 0;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                 Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                 Character.OTHER_SYMBOL, Character.MATH_SYMBOL -> true;
            default -> false;
        };
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
