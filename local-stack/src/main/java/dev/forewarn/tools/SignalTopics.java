package dev.forewarn.tools;

import dev.forewarn.scoring.intake.SignalIntake;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.serde.RegistryUnavailableException;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import dev.forewarn.topics.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the signal topics for a period, for the backtest: from the first offset at or after {@code from} in every
 * partition ({@code offsetsForTimes}; record timestamps are the signals' event time) to the end offsets taken at the
 * start, keeping the records stamped in [{@code from}, {@code to}) — a backfill may have written older signals after
 * newer ones. Each record goes through scoring's own intake, as the service would read it. No consumer group.
 */
final class SignalTopics {

    private SignalTopics() {
    }

    /** Calls {@code use} with each record of the period and its signal; returns how many records could not be read. */
    static int read(String bootstrapServers, String registryUrl, Instant from, Instant to, BiConsumer<SpecificRecord, Signal> use) {
        TopicSerdes serdes = TopicSerdes.of(registryUrl);
        Map<String, Deserializer<? extends SpecificRecord>> values = new HashMap<>();
        for (TopicSpec<String, ? extends SpecificRecord> topic : List.of(TopicCatalogue.REPORTS, TopicCatalogue.COMPLAINTS,
                TopicCatalogue.RETURNS)) {
            values.put(topic.name(), deserializer(topic, serdes));
        }
        int unreadable = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers,
                "enable.auto.commit", false, "client.id", "forewarn-backtest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : values.keySet()) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query);
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                if (start == null) {
                    ends.remove(partition); // nothing at or after `from`
                    consumer.seek(partition, consumer.endOffsets(List.of(partition)).get(partition));
                } else {
                    consumer.seek(partition, start.offset());
                }
            }
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Long end = ends.get(new TopicPartition(record.topic(), record.partition()));
                    if (end == null || record.offset() >= end || record.value() == null || record.timestamp() < from.toEpochMilli()
                            || record.timestamp() >= to.toEpochMilli()) {
                        continue;
                    }
                    SpecificRecord value;
                    try {
                        value = values.get(record.topic()).deserialize(record.topic(), record.headers(), record.value());
                    } catch (RegistryUnavailableException e) {
                        throw new IllegalStateException("the schema registry at " + registryUrl + " is unavailable: " + e.getMessage(), e);
                    } catch (SerializationException e) {
                        unreadable++;
                        continue;
                    }
                    Signal signal = SignalIntake.toSignal(value, new ArrayList<>());
                    if (signal == null) {
                        unreadable++;
                    } else {
                        use.accept(value, signal);
                    }
                }
            }
        }
        return unreadable;
    }

    private static <V extends SpecificRecord> Deserializer<V> deserializer(TopicSpec<String, V> topic, TopicSerdes serdes) {
        return serdes.value(topic).deserializer();
    }
}
