package dev.forewarn.serde;

import dev.forewarn.serde.registry.SchemaRegistryClient;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A {@link Serde} of Confluent wire-format Avro, typed to a generated class or generic. */
public final class AvroSerde<T extends org.apache.avro.generic.IndexedRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    private AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    /** A value serde for the generated class {@code type}. */
    public static <T extends SpecificRecord> AvroSerde<T> specific(Class<T> type, SchemaRegistryClient registry,
                                                                   AvroSerdeConfig config) {
        return new AvroSerde<>(new AvroSerializer<>(registry, config, false),
                new AvroDeserializer<>(registry, config, Optional.of(type)));
    }

    /** A value serde for generic records, read with the writer's schema. */
    public static AvroSerde<GenericRecord> generic(SchemaRegistryClient registry, AvroSerdeConfig config) {
        return new AvroSerde<>(new AvroSerializer<>(registry, config, false),
                new AvroDeserializer<>(registry, config, Optional.empty()));
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
