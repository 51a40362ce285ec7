package dev.forewarn.testsupport;

import dev.forewarn.serde.AvroDeserializer;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what is on a topic, exactly: everything up to the end offsets as they are when called. */
public final class Topics {

    private Topics() {
    }

    /** A deserializer of our Avro records through the environment's registry. */
    public static <T extends SpecificRecord & org.apache.avro.generic.IndexedRecord> Deserializer<T> avro(
            KafkaTestEnvironment env, Class<T> type) {
        AvroSerdeConfig serde = AvroSerdeConfig.of(env.schemaRegistryUrl());
        return new AvroDeserializer<>(SchemaRegistryClient.http(serde.registry()), serde, Optional.of(type));
    }

    /** Creates every topic of the catalogue that does not exist yet (3 partitions per keyed topic, replication factor 1). */
    public static void createCatalogue(Map<String, Object> clientProperties) {
        try (Admin admin = Admin.create(clientProperties)) {
            TopicAdmin.createMissing(admin, TopicCatalogue.all(), 3, (short) 1);
        }
    }

    /** Creates a topic (replication factor 1) if it does not exist yet. */
    public static void create(Map<String, Object> clientProperties, String name, int partitions, boolean compacted) {
        create(clientProperties, name, partitions, compacted
                ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT) : Map.of());
    }

    /**
     * Creates a topic (replication factor 1) with the given topic configs if it does not exist yet.
     * Topics holding back-dated records need {@code retention.ms=-1} (or long enough): the broker
     * rolls segments by record time and deletes those older than the retention, 7 days by default.
     */
    public static void create(Map<String, Object> clientProperties, String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(clientProperties)) {
            NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
    }

    /** {@link #readToEnd(Map, String, Deserializer)} on the environment's broker. */
    public static <V> List<ConsumerRecord<String, V>> readToEnd(KafkaTestEnvironment env, String topic,
                                                                Deserializer<V> values) {
        return readToEnd(env.clientProperties(), topic, values);
    }

    /**
     * Every record of {@code topic} from the beginning up to the end offsets at the time of the
     * call. When a producer was acknowledged before this call, its record is in the answer, so
     * tests need no waiting window. Fails after 60 s if the consumer cannot catch up.
     */
    public static <V> List<ConsumerRecord<String, V>> readToEnd(Map<String, Object> clientProperties, String topic,
                                                                Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        List<ConsumerRecord<String, V>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end offsets " + end + " within 60 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        found.add(record);
                    }
                });
            }
        }
        return found;
    }
}
