package dev.forewarn.it;

import dev.forewarn.testsupport.KafkaTestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produce and consume through the real broker, waiting on acks and polling until records arrive. */
final class Kafka {

    private Kafka() {
    }

    static String newTopic(KafkaTestEnvironment env, String prefix) {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        env.createTopic(topic, 1, false);
        return topic;
    }

    static <V> void produce(KafkaTestEnvironment env, String topic, Serializer<V> serializer, List<V> values) {
        Map<String, Object> props = new HashMap<>(env.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), serializer)) {
            for (V value : values) {
                producer.send(new ProducerRecord<>(topic, "key", value)).get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("produce to " + topic + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads {@code count} values from the start of {@code topic}, failing after 30 s. */
    static <V> List<V> consume(KafkaTestEnvironment env, String topic, Deserializer<V> deserializer, int count) {
        Map<String, Object> props = new HashMap<>(env.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<V> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            while (values.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        if (values.size() < count) {
            throw new AssertionError("expected " + count + " records on " + topic + ", got " + values.size());
        }
        return values;
    }
}
