package dev.affixo.e2e.roundtrip;

import java.util.ArrayList;
import java.util.List;

/**
 * One JSON string as the test sends it: {@code literal} is the exact text between (and including) the quotes,
 * {@code decoded} what RFC 8259 says it means. The test writes literals itself, piece by piece, so it controls
 * every escape: a lone surrogate can only be written as {@code \ud800}, an astral code point raw or as an
 * escaped surrogate pair, a control character only escaped.
 */
public record JsonText(String decoded, String literal) {

    /** How one piece is written. Characters JSON forbids raw (C0 controls, quote, backslash) are always escaped. */
    public enum Form { RAW, ESCAPED, SHORT }

    /**
     * One code point, or one lone surrogate code unit when {@code codePoint} is in U+D800..U+DFFF (decoded as that
     * single UTF-16 unit; two adjacent ones may pair up, exactly as a JSON parser pairs {@code \ud83d\ude00}).
     */
    public record Piece(int codePoint, Form form) {
    }

    public static JsonText of(List<Piece> pieces) {
        StringBuilder decoded = new StringBuilder();
        StringBuilder literal = new StringBuilder("\"");
        for (Piece piece : pieces) {
            decoded.appendCodePoint(piece.codePoint());
            write(literal, piece);
        }
        return new JsonText(decoded.toString(), literal.append('"').toString());
    }

    /** {@code text} with every code point in {@code form}. */
    public static JsonText of(String text, Form form) {
        return of(pieces(text, form));
    }

    public static List<Piece> pieces(String text, Form form) {
        List<Piece> pieces = new ArrayList<>();
        text.codePoints().forEach(cp -> pieces.add(new Piece(cp, form)));
        return pieces;
    }

    public int codePoints() {
        return decoded.codePointCount(0, decoded.length());
    }

    private static void write(StringBuilder out, Piece piece) {
        int cp = piece.codePoint();
        boolean shortForm = piece.form() == Form.SHORT;
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
            escape(out, cp); // the only way to send a lone surrogate: UTF-8 cannot carry one
        } else if (cp == '"' || cp == '\\' || cp == '/') {
            if (shortForm) {
                out.append('\\').append((char) cp);
            } else if (cp != '/' && piece.form() == Form.RAW) {
                out.append('\\').append((char) cp); // raw is illegal: the short escape is the plainest legal form
            } else if (piece.form() == Form.ESCAPED) {
                escape(out, cp);
            } else {
                out.append('/');
            }
        } else if (cp < 0x20) {
            String named = switch (cp) {
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> null;
            };
            if (named != null && piece.form() != Form.ESCAPED) {
                out.append(named);
            } else {
                escape(out, cp);
            }
        } else if (piece.form() == Form.ESCAPED) {
            if (cp > 0xFFFF) {
                escape(out, Character.highSurrogate(cp));
                escape(out, Character.lowSurrogate(cp));
            } else {
                escape(out, cp);
            }
        } else {
            out.appendCodePoint(cp);
        }
    }

    /** {@code \}{@code uXXXX}; odd code units in upper-case hex, even ones in lower-case: parsers must take both. */
    private static void escape(StringBuilder out, int unit) {
        String hex = String.format("%04x", unit);
        out.append("\\u").append((unit & 1) == 1 ? hex.toUpperCase() : hex);
    }
}
