package dev.affixo.e2e.roundtrip;

/**
 * Failure messages show generated text with everything but printable ASCII as {@code {U+XXXX}} per UTF-16 unit, so
 * a raw character never reads like the JSON escape {@code \}{@code uXXXX} that a body may also contain.
 */
final class Readable {

    private static final int MAX = 300;

    private Readable() {
    }

    static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < MAX; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("{U+%04X}", (int) c));
            }
        }
        if (out.length() >= MAX) {
            out.append("…(").append(text.length()).append(" chars)");
        }
        return out.toString();
    }
}
