package dev.forewarn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forewarn.events.CustomerReport;
import dev.forewarn.serde.AvroDeserializer;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.RegistryClientConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.TestRecords;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** Bad bytes never become silent nulls: each case raises a SerializationException naming topic, id and cause. */
class BadBytesIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final AvroSerdeConfig CONFIG = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
    private static final SchemaRegistryClient REGISTRY = SchemaRegistryClient.http(CONFIG.registry());
    private static final String TOPIC = "bad-bytes";

    private final AvroDeserializer<CustomerReport> deserializer =
            new AvroDeserializer<>(REGISTRY, CONFIG, Optional.of(CustomerReport.class));

    private static byte[] valid() {
        return new AvroSerializer<CustomerReport>(REGISTRY, CONFIG, false).serialize(TOPIC, TestRecords.report().build());
    }

    @Test
    void shouldNameTheMagicByteWhenItIsUnknown() {
        byte[] payload = valid();
        payload[0] = 1;

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, payload))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic " + TOPIC).hasMessageContaining("unknown magic byte 0x01");
    }

    @Test
    void shouldNameTheSchemaIdWhenTheRegistryDoesNotKnowIt() {
        byte[] payload = valid();
        payload[1] = 0x7f;

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, payload))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic " + TOPIC)
                .hasMessageContaining("schema id " + java.nio.ByteBuffer.wrap(payload, 1, 4).getInt())
                .hasMessageContaining("unknown schema id")
                .hasMessageContaining("40403")
                .isNotInstanceOf(dev.forewarn.serde.RegistryUnavailableException.class); // a bad record, not an outage
    }

    @Test
    void shouldRejectATruncatedPayload() {
        byte[] payload = valid();
        byte[] truncated = Arrays.copyOf(payload, payload.length - 10);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic " + TOPIC).hasMessageContaining("schema id")
                .hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, new byte[] {0, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("shorter than the 5-byte");
    }

    @Test
    void shouldRejectACorruptPayloadAndTrailingGarbage() {
        byte[] payload = valid();
        byte[] corrupt = Arrays.copyOf(payload, payload.length);
        Arrays.fill(corrupt, 5, corrupt.length, (byte) 0xff);
        byte[] trailing = Arrays.copyOf(payload, payload.length + 3);

        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, corrupt))
                .isInstanceOf(SerializationException.class).hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, trailing))
                .isInstanceOf(SerializationException.class).hasMessageContaining("left over");
    }

    @Test
    void shouldSayTheRegistryIsUnreachableAsARetriableFaultNotABadRecord() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var unreachable = AvroSerdeConfig.fromMap(Map.of(RegistryClientConfig.URL, "http://127.0.0.1:" + closedPort,
                RegistryClientConfig.MAX_ATTEMPTS, "2", RegistryClientConfig.RETRY_BACKOFF_MS, "10"));
        var client = SchemaRegistryClient.http(unreachable.registry());
        byte[] payload = valid();

        assertThatThrownBy(() -> new AvroDeserializer<>(client, unreachable, Optional.of(CustomerReport.class))
                .deserialize(TOPIC, payload))
                .isInstanceOf(dev.forewarn.serde.RegistryUnavailableException.class)
                .hasMessageContaining("topic " + TOPIC).hasMessageContaining("schema registry unreachable")
                .hasMessageContaining("127.0.0.1:" + closedPort);
        assertThatThrownBy(() -> new AvroSerializer<CustomerReport>(client, unreachable, false)
                .serialize(TOPIC, TestRecords.report().build()))
                .isInstanceOf(dev.forewarn.serde.RegistryUnavailableException.class).hasMessageContaining("unreachable");
        assertThat(client.isReachable()).isFalse();
        assertThat(client.transientFailures()).isEqualTo(2);
    }

    @Test
    void shouldSurfaceBadBytesToAKafkaConsumerWithTheirPosition() {
        // given: a poison pill on a real topic
        String topic = Kafka.newTopic(KAFKA, "poison");
        Kafka.produce(KAFKA, topic, new ByteArraySerializer(), List.of(new byte[] {9, 9, 9, 9, 9, 9}));
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "poison-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");

        // when / then
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOfSatisfying(RecordDeserializationException.class, e -> {
                assertThat(e.topicPartition().topic()).isEqualTo(topic);
                assertThat(e.offset()).isZero();
                assertThat(e.getCause()).isInstanceOf(SerializationException.class)
                        .hasMessageContaining("unknown magic byte 0x09");
            });
        }
    }
}
