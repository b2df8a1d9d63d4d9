package dev.affixo.e2e.roundtrip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A generated request body, written by hand so that escapes, member order and duplicate members are exact. */
public sealed interface ClickBody {

    /** The exact text sent. */
    String json();

    /** Bytes that are not one JSON object: broken syntax, or valid JSON of another type. */
    record NotAnObject(String json) implements ClickBody {
        @Override
        public String toString() {
            return Readable.of(json);
        }
    }

    /**
     * A JSON object with the click fields, unknown extra members and, optionally, one member repeated under the
     * same decoded name.
     *
     * @param fields    every click field; {@link FieldValue.Missing} ones are left out
     * @param names     how each field's name is spelled (escapes included)
     * @param extras    unknown members, never named like a click field, names distinct
     * @param repeat    the repeated member, or null for none
     * @param orderSeed shuffles the members
     * @param space     the whitespace put around every token
     */
    record JsonObject(Map<ClickField, FieldValue> fields, Map<ClickField, JsonText> names, List<Member> extras,
                      Repeat repeat, long orderSeed, String space) implements ClickBody {

        /** Repeats the member at {@code index} (modulo the member count), spelled and valued as given. */
        public record Repeat(int index, JsonText.Form nameForm, String valueJson) {
        }

        public JsonObject {
            fields = Collections.unmodifiableMap(new EnumMap<>(fields));
        }

        public FieldValue field(ClickField field) {
            return fields.get(field);
        }

        /** The same body with one field replaced. */
        public JsonObject with(ClickField field, FieldValue value) {
            Map<ClickField, FieldValue> changed = new EnumMap<>(fields);
            changed.put(field, value);
            return new JsonObject(changed, names, extras, repeat, orderSeed, space);
        }

        public JsonObject withoutRepeat() {
            return withRepeat(null);
        }

        public JsonObject withRepeat(Repeat repeat) {
            return new JsonObject(fields, names, extras, repeat, orderSeed, space);
        }

        /** Members in the order sent, the repeated one (if any) included. */
        public List<Member> members() {
            List<Member> members = new ArrayList<>();
            for (ClickField field : ClickField.values()) {
                String value = fields.get(field).json();
                if (value != null) {
                    members.add(new Member(names.get(field), value));
                }
            }
            members.addAll(extras);
            Collections.shuffle(members, new Random(orderSeed));
            if (repeat != null && !members.isEmpty()) {
                Member original = members.get(Math.floorMod(repeat.index(), members.size()));
                JsonText sameName = JsonText.of(original.name().decoded(), repeat.nameForm());
                members.add(new Member(sameName, repeat.valueJson() != null ? repeat.valueJson() : original.valueJson()));
            }
            return members;
        }

        public boolean hasRepeatedMember() {
            List<Member> members = members();
            return members.stream().map(m -> m.name().decoded()).distinct().count() < members.size();
        }

        @Override
        public String json() {
            StringBuilder out = new StringBuilder("{").append(space);
            List<Member> members = members();
            for (int i = 0; i < members.size(); i++) {
                if (i > 0) {
                    out.append(space).append(',').append(space);
                }
                out.append(members.get(i).json(space));
            }
            return out.append(space).append('}').toString();
        }

        @Override
        public String toString() {
            return Readable.of(json());
        }
    }
}
