package dev.affixo.e2e.roundtrip;

/** What a request carries for one field: nothing, JSON null, a string, or a JSON value of another type. */
public sealed interface FieldValue {

    /** The JSON text of the value, or null when the member is left out. */
    String json();

    record Missing() implements FieldValue {
        @Override
        public String json() {
            return null;
        }
    }

    record Null() implements FieldValue {
        @Override
        public String json() {
            return "null";
        }
    }

    record Text(JsonText text) implements FieldValue {
        @Override
        public String json() {
            return text.literal();
        }
    }

    /** A number, boolean, array or object where the contract wants a string. */
    record OtherType(String json) implements FieldValue {
    }

    FieldValue MISSING = new Missing();
    FieldValue NULL = new Null();
}
