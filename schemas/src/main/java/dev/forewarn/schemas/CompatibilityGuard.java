package dev.forewarn.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Checks a record schema against its released versions in both directions (FULL_TRANSITIVE):
 * data written with any released version must be readable with the current schema, and data
 * written with the current schema must be readable by every released reader. This is stricter
 * than the registry's BACKWARD default on purpose: producers that publish directly to Kafka with
 * an older class keep working while consumers upgrade, and the other way round.
 */
public final class CompatibilityGuard {

    private CompatibilityGuard() {
    }

    /**
     * Returns one human-readable line per incompatibility, each naming the schema, the released
     * version, the direction and the field; an empty list means the schema is compatible.
     */
    public static List<String> violations(String name, Schema current, SortedMap<Integer, Schema> released) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Integer, Schema> version : released.entrySet()) {
            Schema old = version.getValue();
            describe(problems, name, version.getKey(), "current schema cannot read data written with it",
                    current, old);
            describe(problems, name, version.getKey(), "its readers cannot read data written with the current schema",
                    old, current);
        }
        return problems;
    }

    private static void describe(List<String> problems, String name, int version, String direction,
                                 Schema reader, Schema writer) {
        for (String incompatibility : incompatibilities(reader, writer)) {
            problems.add("%s is incompatible with released v%d (%s): %s".formatted(name, version, direction,
                    incompatibility));
        }
    }

    /**
     * Why {@code reader} cannot read data written with {@code writer}, one line per problem naming
     * the field ({@code field counts.total: ... (TYPE_MISMATCH)}); empty when it can.
     */
    public static List<String> incompatibilities(Schema reader, Schema writer) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        List<String> lines = new ArrayList<>();
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            lines.add("field %s: %s (%s)".formatted(fieldPath(reader, incompatibility.getLocation()),
                    incompatibility.getMessage(), incompatibility.getType()));
        }
        return lines;
    }

    /**
     * Turns Avro's JSON-pointer location ({@code /fields/3/type/fields/0}) into dotted field
     * names ({@code counts.negativeReports}) by walking the reader schema.
     */
    static String fieldPath(Schema reader, String location) {
        String[] steps = location.split("/");
        List<String> names = new ArrayList<>();
        Schema at = reader;
        for (int i = 0; i < steps.length; i++) {
            String step = steps[i];
            if (step.isEmpty() || at == null) {
                continue;
            }
            switch (step) {
                case "fields" -> {
                    if (i + 1 < steps.length && at.getType() == Schema.Type.RECORD) {
                        Schema.Field field = at.getFields().get(Integer.parseInt(steps[++i]));
                        names.add(field.name());
                        at = field.schema();
                    }
                }
                case "items" -> at = at.getType() == Schema.Type.ARRAY ? at.getElementType() : at;
                case "values" -> at = at.getType() == Schema.Type.MAP ? at.getValueType() : at;
                case "type", "name", "symbols", "size" -> { }
                default -> {
                    if (at.getType() == Schema.Type.UNION && step.chars().allMatch(Character::isDigit)) {
                        at = at.getTypes().get(Integer.parseInt(step));
                    }
                }
            }
        }
        return names.isEmpty() ? "(record " + reader.getFullName() + ")" : String.join(".", names);
    }
}
