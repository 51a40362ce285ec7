package dev.forewarn.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.serde.AvroSerde;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.TestRecords;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SerdeRoundTripIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final AvroSerdeConfig CONFIG = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
    private static final SchemaRegistryClient REGISTRY = SchemaRegistryClient.http(CONFIG.registry());

    static Stream<SpecificRecordBase> everyRecordType() {
        return Stream.of(
                TestRecords.report().build(),
                TestRecords.complaint().build(),
                TestRecords.productReturn().build(),
                TestRecords.owner().build(),
                TestRecords.riskScore().build(),
                TestRecords.riskTransition().build(),
                TestRecords.notification().build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    <T extends SpecificRecordBase> void shouldReadBackEveryRecordTypeEqualThroughBrokerAndRegistry(T record) {
        // given
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        AvroSerde<T> serde = AvroSerde.specific(type, REGISTRY, CONFIG);
        String topic = Kafka.newTopic(KAFKA, "roundtrip-" + type.getSimpleName());

        // when
        Kafka.produce(KAFKA, topic, serde.serializer(), List.of(record));
        List<T> read = Kafka.consume(KAFKA, topic, serde.deserializer(), 1);

        // then
        assertThat(read).containsExactly(record);
        assertThat(REGISTRY.latest(topic + "-value").schema().getFullName()).isEqualTo(record.getSchema().getFullName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    void shouldReadEveryRecordTypeGenericallyWithTheWriterSchema(SpecificRecord record) {
        // given
        @SuppressWarnings({"unchecked", "rawtypes"})
        AvroSerde<SpecificRecordBase> specific = AvroSerde.specific((Class) record.getClass(), REGISTRY, CONFIG);
        AvroSerde<GenericRecord> generic = AvroSerde.generic(REGISTRY, CONFIG);
        String topic = Kafka.newTopic(KAFKA, "generic-" + record.getSchema().getName());

        // when
        Kafka.produce(KAFKA, topic, specific.serializer(), List.of((SpecificRecordBase) record));
        GenericRecord read = Kafka.consume(KAFKA, topic, generic.deserializer(), 1).get(0);

        // then: same fields, in the generic representation (timestamps as epoch millis)
        assertThat(read.getSchema().getFullName()).isEqualTo(record.getSchema().getFullName());
        for (var field : record.getSchema().getFields()) {
            Object expected = record.get(field.pos());
            Object actual = read.get(field.name());
            if (expected instanceof java.time.Instant instant) {
                assertThat(actual).as(field.name()).isEqualTo(instant.toEpochMilli());
            } else if (expected instanceof CharSequence || expected instanceof Number || expected instanceof Boolean
                    || expected instanceof Enum<?>) {
                assertThat(String.valueOf(actual)).as(field.name()).isEqualTo(String.valueOf(expected));
            } else if (expected == null) {
                assertThat(actual).as(field.name()).isNull();
            } else {
                assertThat(actual).as(field.name()).isNotNull();
            }
        }
    }
}
