package dev.affixo.e2e.roundtrip;

/** One member of the request object: its name as sent (and decoded) and its value's JSON text. */
public record Member(JsonText name, String valueJson) {

    public String json(String space) {
        return name.literal() + space + ":" + space + valueJson;
    }
}
