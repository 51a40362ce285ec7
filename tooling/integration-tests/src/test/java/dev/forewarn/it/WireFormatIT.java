package dev.forewarn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.serde.AvroDeserializer;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.TestRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The Confluent wire format checked byte by byte, independently of the project's serde: the schema
 * is the plain released {@code .avsc}, registered with a raw HTTP call, and the payload is built and
 * taken apart with plain Avro.
 */
class WireFormatIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final AvroSerdeConfig CONFIG = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
    private static final SchemaRegistryClient REGISTRY = SchemaRegistryClient.http(CONFIG.registry());
    private static final Path PLAIN_AVSC = Path.of("../../schemas/src/released/CustomerReport/v1.avsc");

    @Test
    void shouldReadAHandBuiltConfluentPayloadBackEqual() throws Exception {
        // given: the plain .avsc registered by hand, and a payload built by hand
        Schema plain = new Schema.Parser().parse(PLAIN_AVSC.toFile());
        String topic = Kafka.newTopic(KAFKA, "wire");
        int id = registerRaw(topic + "-value", plain);
        CustomerReport expected = TestRecords.report().build();
        byte[] payload = concat(new byte[] {0}, ByteBuffer.allocate(4).putInt(id).array(), plainAvro(plain, expected));

        // when
        Kafka.produce(KAFKA, topic, new ByteArraySerializer(), List.of(payload));
        var deserializer = new AvroDeserializer<>(REGISTRY, CONFIG, Optional.of(CustomerReport.class));
        CustomerReport read = Kafka.consume(KAFKA, topic, deserializer, 1).get(0);

        // then
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void shouldWriteMagicByteRegisteredIdAndPlainAvroBinary() throws Exception {
        // given
        Schema plain = new Schema.Parser().parse(PLAIN_AVSC.toFile());
        String topic = Kafka.newTopic(KAFKA, "wire-out");
        int id = registerRaw(topic + "-value", plain);
        CustomerReport report = TestRecords.report().build();

        // when: the project's serializer writes it through the broker
        Kafka.produce(KAFKA, topic, new AvroSerializer<>(REGISTRY, CONFIG, false), List.of(report));
        byte[] bytes = Kafka.consume(KAFKA, topic, new ByteArrayDeserializer(), 1).get(0);

        // then: the generated class maps to the same id as the plain .avsc, and plain Avro decodes the rest
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(plain).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(decoded.get("eventId")).hasToString(report.getEventId());
        assertThat(decoded.get("occurredAt")).isEqualTo(report.getOccurredAt().toEpochMilli());
        assertThat(decoded.get("severity")).isEqualTo(report.getSeverity());
        assertThat(decoded.get("text")).hasToString(report.getText());
        assertThat(decoded.get("kanoCategory")).hasToString(report.getKanoCategory().name());
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(plainAvro(plain, report));
    }

    /** Registers with a raw HTTP call, as any Confluent client would. */
    private static int registerRaw(String subject, Schema schema) throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        String body = json.createObjectNode().put("schema", schema.toString()).toString();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(KAFKA.schemaRegistryUrl() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body()).path("id").asInt();
    }

    /** The record's Avro binary, written by plain Avro from a generic copy under the plain schema. */
    private static byte[] plainAvro(Schema plain, CustomerReport report) throws IOException {
        GenericRecord generic = new GenericData.Record(plain);
        generic.put("eventId", report.getEventId());
        generic.put("customerId", report.getCustomerId());
        generic.put("occurredAt", report.getOccurredAt().toEpochMilli());
        generic.put("source", report.getSource());
        generic.put("productId", report.getProductId());
        generic.put("kanoCategory", new GenericData.EnumSymbol(
                plain.getField("kanoCategory").schema().getTypes().get(1), report.getKanoCategory().name()));
        generic.put("channel", report.getChannel());
        generic.put("feedbackType", new GenericData.EnumSymbol(plain.getField("feedbackType").schema(),
                report.getFeedbackType().name()));
        generic.put("severity", report.getSeverity());
        generic.put("text", report.getText());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(plain).write(generic, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
