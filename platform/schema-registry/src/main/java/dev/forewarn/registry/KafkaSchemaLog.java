package dev.forewarn.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's durable store: a single-partition compacted topic read from the beginning by one
 * background thread that applies every record to {@link RegistryState}. Writers append and then
 * wait until the reader has applied their record, so what a caller is told always matches what
 * every instance will derive from the log.
 */
final class KafkaSchemaLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final TopicPartition partition;
    private final RegistryState state;
    private final Duration timeout;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private final Object progress = new Object();
    private long appliedUpTo;
    private volatile boolean running = true;
    private volatile Optional<Throwable> failure = Optional.empty();

    KafkaSchemaLog(Map<String, Object> kafkaProperties, String topic, RegistryState state, Duration timeout) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.state = state;
        this.timeout = timeout;
        this.admin = Admin.create(kafkaProperties);
        try {
            ensureTopic();
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
        Map<String, Object> producerProps = new HashMap<>(kafkaProperties);
        producerProps.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> consumerProps = new HashMap<>(kafkaProperties);
        consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        this.reader = new Thread(this::readLoop, "schema-log-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void ensureTopic() {
        NewTopic spec = new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(spec)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created schema topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create schema topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create schema topic " + topic + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating schema topic " + topic, e);
        }
    }

    private void readLoop() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    applyRecord(record);
                }
                long position = consumer.position(partition);
                synchronized (progress) {
                    appliedUpTo = position;
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = Optional.of(e);
            }
        } catch (RuntimeException e) {
            LOG.error("schema log reader stopped", e);
            failure = Optional.of(e);
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private void applyRecord(ConsumerRecord<byte[], byte[]> record) {
        try {
            JsonNode key = JSON.readTree(record.key());
            JsonNode value = record.value() == null ? null : JSON.readTree(record.value());
            state.apply(key, value);
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping unreadable record at {}-{} offset {}: {}", record.topic(), record.partition(),
                    record.offset(), e.toString());
        }
    }

    /** Waits until every record written before this call has been applied. */
    void syncToEnd() {
        long end;
        try {
            end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException | TimeoutException e) {
            throw RegistryError.unavailable("cannot read the end of " + topic + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryError.unavailable("interrupted");
        }
        awaitApplied(end);
    }

    /** Appends a record and waits until it has been applied. */
    void append(JsonNode key, JsonNode value) {
        long offset;
        try {
            offset = producer.send(new ProducerRecord<>(topic, 0, JSON.writeValueAsBytes(key),
                    value == null ? null : JSON.writeValueAsBytes(value))).get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .offset();
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw RegistryError.unavailable("cannot write to " + topic + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryError.unavailable("interrupted");
        }
        awaitApplied(offset + 1);
    }

    private void awaitApplied(long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (appliedUpTo < offset) {
                failure.ifPresent(f -> {
                    throw RegistryError.unavailable("schema log reader failed: " + f);
                });
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw RegistryError.unavailable("not caught up with " + topic + " within " + timeout);
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw RegistryError.unavailable("interrupted");
                }
            }
        }
    }

    /** True while the reader thread runs without failure (the initial catch-up happens in start-up). */
    boolean isReady() {
        return failure.isEmpty() && reader.isAlive();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
