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
import java.util.List;
import org.apache.avro.Schema;

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
            NotificationRecord.getClassSchema());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAVA_PROPERTY_PREFIX = "avro.java.";

    private AvroSchemas() {
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
