package dev.forewarn.serde;

import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.serde.registry.RegisteredSchema;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.serde.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format, registering or looking
 * up the writer schema under the TopicNameStrategy subject ({@code <topic>-value} or
 * {@code <topic>-key}). Byte-for-byte what Confluent's {@code KafkaAvroSerializer} writes.
 *
 * <p>Steady state costs one cache hit and one Avro encoding per record: schema ids, datum writers
 * and encoders are reused. Thread-safe, as Kafka producers require.
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

    static {
        AvroSchemas.trustGeneratedClasses();
    }

    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private boolean isKey;
    private final Map<Schema, Schema> registeredForm = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, LatestPlan> latestPlans = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    /**
     * How to write records of one schema under the subject's latest version, worked out once per
     * latest answer (the client caches it): the deep schema comparison and the resolving reader
     * must not run per record.
     */
    private record LatestPlan(RegisteredSchema latest, Optional<GenericDatumReader<Object>> converter) {
    }

    /** For instantiation by class name from Kafka client configs; {@link #configure} must follow. */
    public AvroSerializer() {
    }

    /** A ready serializer sharing {@code registry}; {@code isKey} selects the {@code -key} subject. */
    public AvroSerializer(SchemaRegistryClient registry, AvroSerdeConfig config, boolean isKey) {
        this.registry = Objects.requireNonNull(registry);
        this.config = Objects.requireNonNull(config);
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            this.config = AvroSerdeConfig.fromMap(configs);
            this.registry = SchemaRegistryClient.http(config.registry());
        }
        this.isKey = isKey;
    }

    /** The TopicNameStrategy subject of {@code topic}. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        Schema schema = record.getSchema();
        String subject = subject(topic, isKey);
        int id = -1;
        try {
            Schema registered = registeredForm.computeIfAbsent(schema,
                    s -> config.removeJavaProperties() ? AvroSchemas.withoutJavaProperties(s) : s);
            Object datum = record;
            Schema writerSchema = schema;
            if (config.useLatestVersion()) {
                LatestPlan plan = latestPlan(subject, schema, registered);
                id = plan.latest().id();
                if (plan.converter().isPresent()) {
                    writerSchema = plan.latest().schema();
                    datum = convert(record, schema, plan.converter().get());
                }
            } else if (config.autoRegisterSchemas()) {
                id = registry.register(subject, registered);
            } else {
                id = registry.idOf(subject, registered);
            }
            return encode(id, writerSchema, datum);
        } catch (SchemaRegistryException e) {
            if (e.isTransient()) {
                throw new RegistryUnavailableException("topic " + topic + ": cannot get a schema id for "
                        + schema.getFullName() + " in subject " + subject + ", the registry is unavailable: " + e.getMessage(), e);
            }
            throw new SerializationException("topic " + topic + ": cannot get a schema id for "
                    + schema.getFullName() + " in subject " + subject + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("topic " + topic + ", schema id " + id + ": cannot encode "
                    + schema.getFullName() + ": " + e, e);
        }
    }

    private byte[] encode(int id, Schema writerSchema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(WireFormat.header(id));
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
        encoders.set(encoder);
        writerFor(writerSchema, datum).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * Generated records are written with their class's model (logical-type conversions such as
     * {@code Instant}); generic ones with plain {@link GenericData}, whose timestamps are longs.
     */
    private DatumWriter<Object> writerFor(Schema schema, Object datum) {
        return datum instanceof SpecificRecord
                ? specificWriters.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, SpecificData.getForSchema(s)))
                : genericWriters.computeIfAbsent(schema, s -> new GenericDatumWriter<>(s, GenericData.get()));
    }

    private LatestPlan latestPlan(String subject, Schema schema, Schema registered) {
        RegisteredSchema latest = registry.latest(subject);
        SubjectSchema key = new SubjectSchema(subject, schema);
        LatestPlan plan = latestPlans.get(key);
        if (plan == null || plan.latest() != latest) {
            plan = new LatestPlan(latest, latest.schema().equals(registered) ? Optional.empty()
                    : Optional.of(new GenericDatumReader<>(schema, latest.schema(), GenericData.get())));
            latestPlans.put(key, plan);
        }
        return plan;
    }

    /** Re-expresses {@code record} in the latest schema (Avro schema resolution), for use.latest.version. */
    private Object convert(IndexedRecord record, Schema own, GenericDatumReader<Object> converter) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writerFor(own, record).write(record, encoder);
        encoder.flush();
        return converter.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
