package dev.forewarn.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forewarn.alerting.AlertingServiceIT;
import dev.forewarn.alerting.metrics.AlertingMetrics;
import dev.forewarn.alerting.route.DefaultRoute;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationDestination;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.serde.AvroSerde;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.Topics;
import dev.forewarn.topics.TopicCatalogue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's supervision on the real broker: nothing stops delivering while the service
 * looks healthy. A channel that throws is an attempt to retry; any other error is loud (metric,
 * readiness, the process is told to exit) and loses nothing (a restarted dispatcher re-sends).
 */
class NotificationDispatcherIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static SchemaRegistryClient registry;
    private static AvroSerdeConfig serde;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String group = "dispatcher-it-" + run;
    private final List<NotificationDispatcher> started = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void topics() {
        AlertingServiceIT.createTopics(KAFKA.clientProperties());
        serde = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
        registry = SchemaRegistryClient.http(serde.registry());
    }

    @AfterEach
    void stop() {
        started.forEach(d -> d.close(Duration.ofSeconds(2)));
    }

    /** A channel that answers for this run's alerts with {@code behaviour} and delivers everything else (other tests' records). */
    private Channel channel(BiFunction<AlertNotification, Integer, CompletableFuture<Channel.Attempt>> behaviour) {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        return (n, d) -> n.getAlertId().contains(run)
                ? behaviour.apply(n, calls.computeIfAbsent(n.getNotificationId(), id -> new AtomicInteger()).incrementAndGet())
                : CompletableFuture.completedFuture(Channel.Attempt.delivered(204));
    }

    // Addresses on 127.0.0.9, which the other test classes' services refuse (not allow-listed): the outbox and
    // alerts.retry are shared, and a notification of this class must not be retried for long by them.
    private static final String DEFAULT_ROUTE = "http://127.0.0.9:9/hooks/quality-team";
    private static final String DOWN = "http://127.0.0.9:9/hooks/down";
    private static final String HEALTHY = "http://127.0.0.9:9/hooks/healthy";

    private NotificationDispatcher start(Channel webhook, SimpleMeterRegistry meters, AtomicReference<Throwable> fatal) {
        return start(webhook, meters, fatal, DeliveryConfig.defaults().withRetries(4, Duration.ofMillis(50), Duration.ofMillis(200)));
    }

    private NotificationDispatcher start(Channel webhook, SimpleMeterRegistry meters, AtomicReference<Throwable> fatal,
                                         DeliveryConfig delivery) {
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, org.apache.kafka.clients.consumer.RangeAssignor.class.getName());
        KafkaConsumer<String, AlertNotification> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                AvroSerde.specific(AlertNotification.class, registry, serde).deserializer());
        KafkaProducer<String, NotificationRecord> audit = new KafkaProducer<>(new HashMap<>(KAFKA.clientProperties()),
                new StringSerializer(), AvroSerde.specific(NotificationRecord.class, registry, serde).serializer());
        KafkaProducer<String, AlertNotification> retries = new KafkaProducer<>(new HashMap<>(KAFKA.clientProperties()),
                new StringSerializer(), AvroSerde.specific(AlertNotification.class, registry, serde).serializer());
        NotificationDispatcher dispatcher = new NotificationDispatcher(consumer, audit, retries,
                DefaultRoute.webhook("quality-team", DEFAULT_ROUTE), Map.of(NotificationChannel.WEBHOOK, webhook),
                id -> Optional.empty(), () -> true, delivery, new AlertingMetrics(meters), Clock.systemUTC(), fatal::set);
        started.add(dispatcher);
        dispatcher.start();
        return dispatcher;
    }

    private RecordMetadata notify(String alertId, String notificationId) throws Exception {
        return notify(alertId, notificationId, 1, "http://127.0.0.9:9/hook");
    }

    private RecordMetadata notify(String alertId, String notificationId, int sequence, String address) throws Exception {
        AlertNotification n = AlertNotification.newBuilder().setNotificationId(notificationId).setAlertId(alertId)
                .setKind(sequence == 1 ? NotificationKind.FIRING : NotificationKind.ESCALATED).setEntityType(EntityType.CUSTOMER)
                .setEntityId(alertId.substring(9)).setLevel(RiskLevel.WARNING).setScore(65).setOwnerId("am-" + run)
                .setDestinations(List.of(new NotificationDestination(NotificationChannel.WEBHOOK, address)))
                .setSequence(sequence).setFiredAt(Instant.now()).setCreatedAt(Instant.now()).build();
        try (KafkaProducer<String, AlertNotification> producer = new KafkaProducer<>(new HashMap<>(KAFKA.clientProperties()),
                new StringSerializer(), AvroSerde.specific(AlertNotification.class, registry, serde).serializer())) {
            return producer.send(new ProducerRecord<>(TopicCatalogue.OUTBOX.name(), alertId, n)).get(30, TimeUnit.SECONDS);
        }
    }

    private List<NotificationRecord> audit(String notificationId) {
        return Topics.readToEnd(KAFKA, TopicCatalogue.NOTIFICATIONS.name(), Topics.avro(KAFKA, NotificationRecord.class)).stream()
                .map(r -> r.value()).filter(r -> r.getNotificationId().equals(notificationId)).toList();
    }

    private long committed(RecordMetadata written) throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .get(new TopicPartition(written.topic(), written.partition()));
            return offset == null ? -1 : offset.offset();
        }
    }

    @Test
    void shouldRetryAChannelThatThrowsOrFailsItsFutureAndReleaseTheOffset() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        start(channel((n, call) -> switch (call) {
            case 1 -> throw new IllegalStateException("bug in a channel");
            case 2 -> CompletableFuture.failedFuture(new IllegalStateException("a future that fails"));
            default -> CompletableFuture.completedFuture(Channel.Attempt.delivered(204));
        }), meters, fatal);

        String notificationId = "n-" + run;
        RecordMetadata written = notify("CUSTOMER:C-" + run, notificationId);

        await().atMost(Duration.ofSeconds(60)).until(() -> audit(notificationId).stream()
                .anyMatch(r -> r.getOutcome() == DeliveryOutcome.DELIVERED));
        assertThat(audit(notificationId)).extracting(NotificationRecord::getOutcome)
                .containsExactly(DeliveryOutcome.RETRYING, DeliveryOutcome.RETRYING, DeliveryOutcome.DELIVERED);
        assertThat(meters.get("forewarn.alerting.channel.errors").tag("channel", "WEBHOOK").counter().count()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).alias("offset committed past the notification")
                .until(() -> committed(written) > written.offset());
        assertThat(fatal.get()).isNull();
        assertThat(started.get(0).isRunning()).isTrue();
    }

    @Test
    void shouldFailLoudlyOnAnUnexpectedErrorAndLoseNothing() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        NotificationDispatcher broken = start(channel((n, call) -> {
            throw new AssertionError("not a retryable fault");
        }), meters, fatal);
        String notificationId = "n-" + run;
        RecordMetadata written = notify("CUSTOMER:C-" + run, notificationId);

        await().atMost(Duration.ofSeconds(60)).until(() -> fatal.get() != null);
        assertThat(broken.isRunning()).as("readiness").isFalse();
        assertThat(meters.get("forewarn.thread.failures").tag("thread", "alerting-dispatcher").counter().count()).isEqualTo(1);
        assertThat(committed(written)).isLessThanOrEqualTo(written.offset());
        broken.close(Duration.ofSeconds(2));

        // The restarted process: the notification is delivered, with the same id.
        List<String> delivered = new CopyOnWriteArrayList<>();
        start(channel((n, call) -> {
            delivered.add(n.getNotificationId());
            return CompletableFuture.completedFuture(Channel.Attempt.delivered(204));
        }), new SimpleMeterRegistry(), new AtomicReference<>());
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered.contains(notificationId));
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(written) > written.offset());
    }

    /** A receiver of this run: down while {@code down} is set (503 with Retry-After), records what it got by notification id. */
    private Channel receiver(java.util.function.BooleanSupplier down, List<AlertNotification> got) {
        return channel((n, call) -> {
            String address = n.getDestinations().get(0).getAddress();
            if (address.equals(DOWN) && down.getAsBoolean()) {
                return CompletableFuture.completedFuture(Channel.Attempt.retry(503, "HTTP 503", Duration.ofMillis(300)));
            }
            got.add(n);
            return CompletableFuture.completedFuture(Channel.Attempt.delivered(204));
        });
    }

    @Test
    void shouldDeliverEveryNotificationOnceAndInOrderAfterAReceiverOutageWithoutBlockingOthers() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<AlertNotification> got = new CopyOnWriteArrayList<>();
        start(receiver(down::get, got), new SimpleMeterRegistry(), new AtomicReference<>(),
                DeliveryConfig.defaults().withRetries(2, Duration.ofMillis(50), Duration.ofMillis(500))
                        .withRetryHorizon(Duration.ofSeconds(60)));
        String a = "CUSTOMER:A-" + run;
        String b = "CUSTOMER:B-" + run;
        List<RecordMetadata> written = new java.util.ArrayList<>();
        for (int seq = 1; seq <= 3; seq++) {
            written.add(notify(a, a + "/" + seq, seq, DOWN));
        }
        written.add(notify(b, b + "/1", 1, DOWN));
        notify("CUSTOMER:C-" + run, "c/1", 1, HEALTHY);

        // The outage blocks neither another destination nor the outbox: the waiting notifications sit in alerts.retry.
        await().atMost(Duration.ofSeconds(20)).until(() -> got.stream().anyMatch(n -> n.getNotificationId().equals("c/1")));
        await().atMost(Duration.ofSeconds(30)).alias("outbox committed past the waiting notifications")
                .until(() -> {
                    for (RecordMetadata w : written) {
                        if (committed(w) <= w.offset()) {
                            return false;
                        }
                    }
                    return true;
                });
        assertThat(got).extracting(AlertNotification::getNotificationId).containsOnly("c/1");
        // The outage goes on: the first notification is attempted again and again from the retry topic.
        await().atMost(Duration.ofSeconds(30)).until(() -> audit(a + "/1").stream()
                .filter(r -> r.getOutcome() == DeliveryOutcome.RETRYING).count() >= 5);
        down.set(false);

        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() >= 5);
        // No duplicate shows up afterwards either.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(got).extracting(AlertNotification::getNotificationId).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrder("c/1", a + "/1", a + "/2", a + "/3", b + "/1"));
        assertThat(got.stream().filter(n -> n.getAlertId().equals(a)).map(AlertNotification::getSequence).toList())
                .as("one alert's notifications in the order decided").containsExactly(1, 2, 3);
        assertThat(audit(a + "/1")).extracting(NotificationRecord::getOutcome).contains(DeliveryOutcome.RETRYING).last()
                .isEqualTo(DeliveryOutcome.DELIVERED);
    }

    @Test
    void shouldReportADestinationUndeliverableAfterTheHorizonAndSendTheNotificationToTheDefaultRoute() throws Exception {
        List<AlertNotification> got = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        start(receiver(() -> true, got), meters, new AtomicReference<>(),
                DeliveryConfig.defaults().withRetries(2, Duration.ofMillis(50), Duration.ofMillis(300))
                        .withRetryHorizon(Duration.ofSeconds(3)));
        String a = "CUSTOMER:A-" + run;
        notify(a, a + "/1", 1, DOWN);

        await().atMost(Duration.ofSeconds(60)).until(() -> got.stream().anyMatch(n -> n.getDeliveryNote() != null));
        AlertNotification rerouted = got.stream().filter(n -> n.getDeliveryNote() != null).findFirst().orElseThrow();
        assertThat(rerouted.getDestinations()).extracting(NotificationDestination::getAddress).containsExactly(DEFAULT_ROUTE);
        assertThat(rerouted.getOwnerId()).isEqualTo("quality-team");
        assertThat(rerouted.getDeliveryNote()).contains("am-" + run).contains("http://127.0.0.9:9").contains("HTTP 503")
                .as("a webhook's path can be its secret: named by scheme, host and port only").doesNotContain("/hooks/down");
        assertThat(audit(a + "/1")).extracting(NotificationRecord::getError).anyMatch(e -> e != null && e.startsWith("undeliverable:"));
        assertThat(meters.get("forewarn.alerting.undeliverable").tag("channel", "WEBHOOK").counter().count()).isEqualTo(1);
    }
}
