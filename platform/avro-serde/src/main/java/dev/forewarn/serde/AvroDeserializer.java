package dev.forewarn.serde;

import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.serde.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format Avro: the writer schema comes from the registry by the id in the
 * payload, the reader schema from the target class (or the writer schema for generic reading),
 * so records written by older and newer producers both resolve.
 *
 * <p>Bad bytes never turn into silent nulls: an unknown magic byte, an unknown schema id, a
 * truncated or corrupt payload (including trailing garbage) each raise a {@link SerializationException}
 * naming the topic, the schema id and the cause; an unreachable or failing registry raises its
 * subclass {@link RegistryUnavailableException} (retry later, never dead-letter). Thread-safe.
 */
public final class AvroDeserializer<T extends IndexedRecord> implements Deserializer<T> {

    static {
        AvroSchemas.trustGeneratedClasses();
    }

    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private final Optional<Schema> readerSchema;
    private final boolean genericReader;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    /** For instantiation by class name from Kafka client configs; {@link #configure} must follow. */
    public AvroDeserializer() {
        this.readerSchema = Optional.empty();
        this.genericReader = false;
    }

    /**
     * A ready deserializer sharing {@code registry}. With {@code target} present, values are read
     * into that generated class; otherwise as {@code specific.avro.reader} says.
     */
    public AvroDeserializer(SchemaRegistryClient registry, AvroSerdeConfig config, Optional<Class<T>> target) {
        this(registry, config, target.map(SpecificData.get()::getSchema), false);
    }

    private AvroDeserializer(SchemaRegistryClient registry, AvroSerdeConfig config, Optional<Schema> readerSchema,
                             boolean genericReader) {
        this.registry = Objects.requireNonNull(registry);
        this.config = Objects.requireNonNull(config);
        this.readerSchema = readerSchema;
        this.genericReader = genericReader;
    }

    /**
     * A deserializer that reads generic records with a fixed reader schema, whatever schema each
     * record was written with (Avro schema resolution), e.g. to read with an older or newer contract.
     */
    public static AvroDeserializer<org.apache.avro.generic.GenericRecord> withReaderSchema(
            SchemaRegistryClient registry, AvroSerdeConfig config, Schema readerSchema) {
        return new AvroDeserializer<>(registry, config, Optional.of(readerSchema), true);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            this.config = AvroSerdeConfig.fromMap(configs);
            this.registry = SchemaRegistryClient.http(config.registry());
        }
    }

    @Override
    public T deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        int id = WireFormat.schemaId(topic, payload);
        DatumReader<T> reader = readers.get(id);
        if (reader == null) {
            reader = readerFor(topic, id);
            readers.putIfAbsent(id, reader);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(payload, WireFormat.HEADER_SIZE,
                    payload.length - WireFormat.HEADER_SIZE, decoders.get());
            decoders.set(decoder);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("payload has bytes left over after the record");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("topic " + topic + ", schema id " + id
                    + ": truncated or corrupt Avro payload (" + payload.length + " bytes): " + e, e);
        }
    }

    private DatumReader<T> readerFor(String topic, int id) {
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isTransient()) {
                throw new RegistryUnavailableException("topic " + topic + ", schema id " + id + ": schema registry "
                        + (e.status() == 0 ? "unreachable" : "unavailable") + ", the record is read again when it is back: "
                        + e.getMessage(), e);
            }
            String what = e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND ? "unknown schema id" : "schema registry error";
            throw new SerializationException("topic " + topic + ", schema id " + id + ": " + what + ": "
                    + e.getMessage(), e);
        }
        Optional<Schema> reader = readerSchema.or(() -> config.specificAvroReader()
                ? Optional.of(generatedSchema(topic, id, writer)) : Optional.empty());
        if (reader.isPresent() && genericReader) {
            return new GenericDatumReader<>(writer, reader.get(), GenericData.get());
        }
        if (reader.isPresent()) {
            Schema schema = reader.get();
            return new SpecificDatumReader<>(writer, schema, SpecificData.getForSchema(schema));
        }
        return new GenericDatumReader<>(writer, writer, GenericData.get());
    }

    private static Schema generatedSchema(String topic, int id, Schema writer) {
        Class<?> generated = SpecificData.get().getClass(writer);
        if (generated == null || !SpecificRecord.class.isAssignableFrom(generated)) {
            throw new SerializationException("topic " + topic + ", schema id " + id + ": specific.avro.reader is set"
                    + " but no generated class " + writer.getFullName() + " is on the classpath");
        }
        return SpecificData.get().getSchema(generated);
    }
}
