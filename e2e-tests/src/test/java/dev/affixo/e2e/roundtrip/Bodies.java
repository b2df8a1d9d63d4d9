package dev.affixo.e2e.roundtrip;

import dev.affixo.e2e.roundtrip.JsonText.Form;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Hand-written bodies for the named examples: plain member names, fields in declaration order. */
final class Bodies {

    private Bodies() {
    }

    /** An object with these fields set (literal JSON values, e.g. {@code "\"shoes\""}), the others absent. */
    static ClickBody.JsonObject object(Map<ClickField, String> values) {
        Map<ClickField, FieldValue> fields = new EnumMap<>(ClickField.class);
        Map<ClickField, JsonText> names = new EnumMap<>(ClickField.class);
        for (ClickField field : ClickField.values()) {
            names.put(field, JsonText.of(field.wireName, Form.RAW));
            String literal = values.get(field);
            fields.put(field, literal == null ? FieldValue.MISSING : new FieldValue.Text(decode(literal)));
        }
        return new ClickBody.JsonObject(fields, names, List.of(), null, 0, "");
    }

    /** A JSON string literal as {@link JsonText}: the literal kept verbatim, the decoded value as RFC 8259 says. */
    static JsonText decode(String literal) {
        StringBuilder decoded = new StringBuilder();
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c != '\\') {
                decoded.append(c);
            } else if (literal.charAt(++i) == 'u') {
                decoded.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
                i += 4;
            } else {
                decoded.append(switch (literal.charAt(i)) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> literal.charAt(i);
                });
            }
        }
        return new JsonText(decoded.toString(), literal);
    }
}
