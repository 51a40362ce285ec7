package dev.forewarn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forewarn.serde.AvroDeserializer;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.CompatibilityLevel;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.serde.registry.SchemaRegistryException;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SchemaEvolutionIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final AvroSerdeConfig CONFIG = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
    private static final SchemaRegistryClient REGISTRY = SchemaRegistryClient.http(CONFIG.registry());

    private static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Feedback","namespace":"it.evolution","fields":[
              {"name":"eventId","type":"string"},
              {"name":"severity","type":"int"}]}""");
    private static final Schema V2 = new Schema.Parser().parse("""
            {"type":"record","name":"Feedback","namespace":"it.evolution","fields":[
              {"name":"eventId","type":"string"},
              {"name":"severity","type":"int"},
              {"name":"channel","type":["null","string"],"default":null}]}""");
    private static final Schema INCOMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Feedback","namespace":"it.evolution","fields":[
              {"name":"eventId","type":"string"},
              {"name":"severity","type":"int"},
              {"name":"region","type":"string"}]}""");

    private static GenericRecord record(Schema schema, String id, String channel) {
        GenericData.Record record = new GenericData.Record(schema);
        record.put("eventId", id);
        record.put("severity", 4);
        if (schema.getField("channel") != null) {
            record.put("channel", channel);
        }
        return record;
    }

    @Test
    void shouldReadOldAndNewWritersWithOldAndNewReaders() {
        // given: a v1 writer, then a v2 writer adding an optional field, on one topic
        String topic = Kafka.newTopic(KAFKA, "evolution");
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(REGISTRY, CONFIG, false);
        Kafka.produce(KAFKA, topic, serializer, List.of(record(V1, "old", null), record(V2, "new", "phone")));

        // when
        List<GenericRecord> readByV1 = Kafka.consume(KAFKA, topic, AvroDeserializer.withReaderSchema(REGISTRY, CONFIG, V1), 2);
        List<GenericRecord> readByV2 = Kafka.consume(KAFKA, topic, AvroDeserializer.withReaderSchema(REGISTRY, CONFIG, V2), 2);

        // then: a v1 reader drops the new field, a v2 reader fills its default for old data
        assertThat(readByV1).extracting(r -> r.get("eventId").toString()).containsExactly("old", "new");
        assertThat(readByV1).allSatisfy(r -> assertThat(r.getSchema().getField("channel")).isNull());
        assertThat(readByV2).extracting(r -> String.valueOf(r.get("channel"))).containsExactly("null", "phone");
        assertThat(REGISTRY.version(topic + "-value", "2").schema()).isEqualTo(V2);
    }

    @Test
    void shouldRejectAnIncompatibleSchemaWith409() {
        // given
        String subject = "evolution-reject-" + System.nanoTime() + "-value";
        REGISTRY.register(subject, V1);

        // when / then
        assertThat(REGISTRY.isCompatible(subject, V2)).isTrue();
        assertThat(REGISTRY.isCompatible(subject, INCOMPATIBLE)).isFalse();
        assertThatThrownBy(() -> REGISTRY.register(subject, INCOMPATIBLE))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                    assertThat(e.getMessage()).contains("region").contains(subject);
                });
    }

    @Test
    void shouldFailTheSerializerWhenAutoRegistrationIsRejected() {
        String topic = "evolution-serializer-" + System.nanoTime();
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(REGISTRY, CONFIG, false);
        serializer.serialize(topic, record(V1, "a", null));

        assertThatThrownBy(() -> serializer.serialize(topic, record(INCOMPATIBLE, "b", null)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic " + topic)
                .hasMessageContaining("HTTP 409");
    }

    @Test
    void shouldApplyASubjectsOwnCompatibilityLevel() {
        String subject = "evolution-level-" + System.nanoTime() + "-value";
        REGISTRY.register(subject, V1);
        assertThat(REGISTRY.compatibility(subject)).isEqualTo(REGISTRY.globalCompatibility());

        REGISTRY.setCompatibility(subject, CompatibilityLevel.NONE);

        assertThat(REGISTRY.compatibility(subject)).isEqualTo(CompatibilityLevel.NONE);
        assertThat(REGISTRY.register(subject, INCOMPATIBLE)).isPositive();
        assertThat(REGISTRY.latest(subject).version()).isEqualTo(2);
    }

    @Test
    void shouldUseTheLatestVersionWhenAsked() {
        // given: v2 registered; the writer still holds v1 records and does not auto-register
        String topic = Kafka.newTopic(KAFKA, "evolution-latest");
        int v2Id = REGISTRY.register(topic + "-value", V2);
        var latestConfig = new AvroSerdeConfig(CONFIG.registry(), false, true, false, true);

        // when
        Kafka.produce(KAFKA, topic, new AvroSerializer<>(REGISTRY, latestConfig, false), List.of(record(V1, "x", null)));
        byte[] bytes = Kafka.consume(KAFKA, topic, new org.apache.kafka.common.serialization.ByteArrayDeserializer(), 1).get(0);

        // then: framed with v2's id and readable as v2
        assertThat(java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(v2Id);
        GenericRecord read = AvroDeserializer.withReaderSchema(REGISTRY, CONFIG, V2).deserialize(topic, bytes);
        assertThat(read.get("eventId")).hasToString("x");
        assertThat(read.get("channel")).isNull();
    }
}
