package dev.forewarn.ingest.kafka;

import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.topics.TopicCatalogue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes signals to Kafka and completes only when the broker has acknowledged them
 * ({@code acks=all}, idempotent), so an HTTP 202 means the event is durable.
 */
public final class SignalPublisher implements AutoCloseable {

    public static final String SOURCE_HEADER = "forewarn-source";
    public static final String TRACE_HEADER = "forewarn-trace-id";

    private final KafkaProducer<String, SpecificRecordBase> producer;

    /**
     * @param kafkaProperties client properties; they win over the defaults set here
     */
    private final SchemaRegistryClient registry;

    public SignalPublisher(Map<String, Object> kafkaProperties, String schemaRegistryUrl) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Fail fast instead of accepting and dropping: a full buffer or missing metadata is a 503 within 2 s.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.putAll(kafkaProperties);
        AvroSerdeConfig serdeConfig = AvroSerdeConfig.of(schemaRegistryUrl, kafkaProperties);
        this.registry = SchemaRegistryClient.http(serdeConfig.registry());
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(registry, serdeConfig, false));
    }

    /** The registry client behind the serializer (readiness and {@code forewarn_registry_errors_total} read it). */
    public SchemaRegistryClient registry() {
        return registry;
    }

    /** Kafka's producer metrics ({@code kafka.producer.*}) into {@code registry}. */
    public void bindMetrics(MeterRegistry registry) {
        new KafkaClientMetrics(producer).bindTo(registry);
    }

    /**
     * Sends one record ({@code value} null writes a tombstone) with {@code timestamp} (the signal's
     * event time, so consumers' stream time is event time; null: now); the future completes when Kafka
     * acknowledged it, or fails with the reason.
     */
    public CompletableFuture<RecordMetadata> publish(String topic, String key, SpecificRecordBase value, Long timestamp,
                                                     String source, String traceId) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        ProducerRecord<String, SpecificRecordBase> record = new ProducerRecord<>(topic, null, timestamp, key, value);
        record.headers().add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        record.headers().add(TRACE_HEADER, traceId.getBytes(StandardCharsets.UTF_8));
        record.headers().add(TopicCatalogue.INGESTED_AT_HEADER, Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8));
        try {
            // Runs on the producer's I/O thread: it only completes the future; the waiting request does the rest.
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /** Flushes what is in flight and closes the producer. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
