package dev.forewarn.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.events.Complaint;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The project's record schemas and the one transformation every registry interaction needs:
 * removing the Java-only {@code avro.java.*} properties that code generation with
 * {@code stringType=String} adds, so that a generated class and the plain {@code .avsc} register
 * under the same id (Confluent's {@code avro.remove.java.properties}).
 */
public final class AvroSchemas {

    /** Every top-level record schema the pipeline writes to Kafka, as the generated classes carry them. */
    public static final List<Schema> RECORDS = List.of(
            CustomerReport.getClassSchema(),
            Complaint.getClassSchema(),
            ProductReturn.getClassSchema(),
            OwnerAssignment.getClassSchema(),
            RiskScore.getClassSchema(),
            RiskTransition.getClassSchema(),
            NotificationRecord.getClassSchema(),
            dev.forewarn.events.Alert.getClassSchema(),
            dev.forewarn.events.AlertCommand.getClassSchema(),
            dev.forewarn.events.Silence.getClassSchema(),
            dev.forewarn.events.AlertNotification.getClassSchema(),
            dev.forewarn.events.AlertFeedback.getClassSchema());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAVA_PROPERTY_PREFIX = "avro.java.";
    private static boolean trusted;

    private AvroSchemas() {
    }

    /**
     * Adds the generated classes of every record, enum and nested record here to Avro's
     * {@link ClassSecurityValidator} (Avro 1.12.1+ refuses to instantiate untrusted classes by name),
     * keeping whatever else is already trusted. Idempotent.
     */
    public static synchronized void trustGeneratedClasses() {
        if (trusted) {
            return;
        }
        ClassSecurityValidator.Builder builder = ClassSecurityValidator.builder();
        Set<String> names = new LinkedHashSet<>();
        RECORDS.forEach(schema -> collectNamedTypes(schema, names));
        for (String name : names) {
            try {
                builder.add(Class.forName(name, false, AvroSchemas.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("generated class " + name + " is missing", e);
            }
        }
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), builder.build()));
        trusted = true;
    }

    private static void collectNamedTypes(Schema schema, Set<String> names) {
        switch (schema.getType()) {
            case RECORD -> {
                if (names.add(schema.getFullName())) {
                    schema.getFields().forEach(field -> collectNamedTypes(field.schema(), names));
                }
            }
            case ENUM, FIXED -> names.add(schema.getFullName());
            case ARRAY -> collectNamedTypes(schema.getElementType(), names);
            case MAP -> collectNamedTypes(schema.getValueType(), names);
            case UNION -> schema.getTypes().forEach(type -> collectNamedTypes(type, names));
            default -> { }
        }
    }

    /**
     * Returns {@code schema} without any {@code avro.java.*} property, at any depth. The result is
     * a freshly parsed schema; the argument is left unchanged.
     */
    public static Schema withoutJavaProperties(Schema schema) {
        String text = schema.toString();
        if (!text.contains(JAVA_PROPERTY_PREFIX)) {
            return schema;
        }
        try {
            JsonNode tree = JSON.readTree(text);
            strip(tree);
            return new Schema.Parser().parse(JSON.writeValueAsString(tree));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("schema " + schema.getFullName() + " is not valid JSON", e);
        }
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                if (names.next().startsWith(JAVA_PROPERTY_PREFIX)) {
                    names.remove();
                }
            }
            object.elements().forEachRemaining(AvroSchemas::strip);
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(AvroSchemas::strip);
        }
    }
}
