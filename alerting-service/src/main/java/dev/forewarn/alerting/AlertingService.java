package dev.forewarn.alerting;

import dev.forewarn.alerting.api.AlertResource;
import dev.forewarn.alerting.api.AlertingRouting;
import dev.forewarn.alerting.api.SilenceResource;
import dev.forewarn.alerting.config.AlertingConfig;
import dev.forewarn.alerting.delivery.Channel;
import dev.forewarn.alerting.delivery.EmailChannel;
import dev.forewarn.alerting.delivery.HttpChannel;
import dev.forewarn.alerting.delivery.NotificationDispatcher;
import dev.forewarn.alerting.metrics.AlertingMetrics;
import dev.forewarn.alerting.topology.AlertViews;
import dev.forewarn.alerting.topology.AlertingTopology;
import dev.forewarn.events.AlertCommand;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.serde.AvroSerde;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.service.Env;
import dev.forewarn.service.HttpServers;
import dev.forewarn.service.Lifecycle;
import dev.forewarn.service.Metrics;
import dev.forewarn.service.RegistryAwareDeserializationHandler;
import dev.forewarn.service.StreamsSupervision;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import dev.forewarn.topics.TopicSpec;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * alerting-service: the alert lifecycle ({@link AlertingTopology}, Kafka Streams, EOS), the
 * {@link NotificationDispatcher} that delivers the outbox, and the HTTP API with health and metrics.
 *
 * <p>Uncaught exceptions in Streams: the thread is replaced up to 3 times, then the client shuts
 * down and {@link #main} exits with status 1. Records that cannot be read go to {@code alerts.dlq}
 * (Kafka Streams' built-in dead-letter queue) and processing goes on.
 */
public final class AlertingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertingService.class);

    private final KafkaStreams streams;
    private final NotificationDispatcher dispatcher;
    private final KafkaProducer<String, SpecificRecord> apiProducer;
    private final Javalin http;
    private final List<AutoCloseable> meters;
    private final CountDownLatch failed;

    private AlertingService(KafkaStreams streams, NotificationDispatcher dispatcher, KafkaProducer<String, SpecificRecord> apiProducer,
                            Javalin http, List<AutoCloseable> meters, CountDownLatch failed) {
        this.streams = streams;
        this.dispatcher = dispatcher;
        this.apiProducer = apiProducer;
        this.http = http;
        this.meters = meters;
        this.failed = failed;
    }

    /** The Streams properties of the production run (tests use the same). */
    public static Properties streamsProperties(AlertingConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        // Notifications are decided within a commit interval; 100 ms keeps the end-to-end delay low.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, TopicCatalogue.ALERTS_DLQ.name());
        // A record that cannot be read goes to alerts.dlq; one that cannot be read because the registry is down waits for it.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, RegistryAwareDeserializationHandler.class);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Every internal topic and store is named: a topology change can never silently rename a changelog.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.putAll(config.kafkaProperties());
        return props;
    }

    /** The topics alerting reads and writes; it does not start without them (see {@link TopicAdmin#require}). */
    static final List<TopicSpec<?, ?>> TOPICS = List.of(TopicCatalogue.TRANSITIONS, TopicCatalogue.SCORES, TopicCatalogue.OWNERS,
            TopicCatalogue.ALERT_COMMANDS, TopicCatalogue.SILENCES, TopicCatalogue.ALERT_STATE, TopicCatalogue.OUTBOX,
            TopicCatalogue.RETRY, TopicCatalogue.NOTIFICATIONS, TopicCatalogue.ALERTS_DLQ);

    public static AlertingService start(AlertingConfig config) {
        AvroSchemas.trustGeneratedClasses();
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            TopicAdmin.require(admin, TOPICS, List.of(TopicCatalogue.ALERT_INPUTS, TopicCatalogue.DISPATCH));
        }
        PrometheusMeterRegistry registry = Metrics.prometheus("alerting-service");
        AlertingMetrics metrics = new AlertingMetrics(registry);
        AvroSerdeConfig serdeConfig = AvroSerdeConfig.of(config.registryUrl(), config.kafkaProperties());
        SchemaRegistryClient schemaRegistry = SchemaRegistryClient.http(serdeConfig.registry());
        Metrics.registryErrors(registry, schemaRegistry);

        KafkaProducer<String, SpecificRecord> apiProducer = new KafkaProducer<>(producerProps(config, "api"), new StringSerializer(),
                anyRecord(AvroSerde.specific(AlertCommand.class, schemaRegistry, serdeConfig).serializer()));
        AtomicReference<KafkaStreams> running = new AtomicReference<>();
        AlertViews views = new AlertViews(running::get);
        AlertResource alerts = new AlertResource(views, apiProducer, Clock.systemUTC());
        SilenceResource silences = new SilenceResource(views, apiProducer, Clock.systemUTC(), config.silences());
        AtomicReference<NotificationDispatcher> dispatching = new AtomicReference<>();
        Javalin http = HttpServers.start(config.host(), config.port(), 64 * 1024,
                () -> running.get() != null && running.get().state() == KafkaStreams.State.RUNNING
                        && dispatching.get() != null && dispatching.get().isRunning() && schemaRegistry.isReachable(),
                registry, routes -> AlertingRouting.routes(routes, config.apiKeys(), alerts, silences));
        metrics.alertsByState(views::countsByState);

        KafkaStreams streams = new KafkaStreams(AlertingTopology.build(config, metrics, new TopicSerdes(schemaRegistry, serdeConfig)), streamsProperties(config));
        CountDownLatch failed = StreamsSupervision.supervise(streams);
        Metrics.streamsRunning(registry, running::get);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        running.set(streams);
        streams.start();

        Map<String, Object> consumerProps = new HashMap<>(config.kafkaProperties());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId() + "-dispatcher");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-dispatcher");
        // Range assignment gives one member the same partition number of alerts.outbox and alerts.retry.
        consumerProps.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, org.apache.kafka.clients.consumer.RangeAssignor.class.getName());
        KafkaConsumer<String, AlertNotification> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                AvroSerde.specific(AlertNotification.class, schemaRegistry, serdeConfig).deserializer());
        KafkaProducer<String, NotificationRecord> audit = new KafkaProducer<>(producerProps(config, "audit"), new StringSerializer(),
                AvroSerde.specific(NotificationRecord.class, schemaRegistry, serdeConfig).serializer());
        KafkaProducer<String, AlertNotification> retries = new KafkaProducer<>(producerProps(config, "retry"), new StringSerializer(),
                AvroSerde.specific(AlertNotification.class, schemaRegistry, serdeConfig).serializer());
        HttpClient httpClient = HttpChannel.client(config.guard(), config.delivery().httpTimeout());
        Map<NotificationChannel, Channel> channels = new EnumMap<>(NotificationChannel.class);
        channels.put(NotificationChannel.WEBHOOK, HttpChannel.webhook(httpClient, config.guard(), config.secrets(), config.links(),
                config.delivery().httpTimeout()));
        channels.put(NotificationChannel.SLACK, HttpChannel.slack(httpClient, config.guard(), config.links(), config.delivery().httpTimeout()));
        if (!config.delivery().smtpHost().isBlank()) {
            channels.put(NotificationChannel.EMAIL, new EmailChannel(config.delivery(), config.links()));
        }
        NotificationDispatcher dispatcher = new NotificationDispatcher(consumer, audit, retries, config.route(), channels, views::alert,
                () -> streams.state() == KafkaStreams.State.RUNNING, config.delivery(),
                metrics, Clock.systemUTC(), error -> failed.countDown());
        // Expired silences are deleted from the compacted topic (every instance may do it; a tombstone is idempotent).
        java.util.concurrent.ScheduledExecutorService purger = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "silence-purger");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.silences().purgeInterval().toMillis();
        purger.scheduleWithFixedDelay(() -> {
            try {
                silences.purgeExpired();
            } catch (RuntimeException e) {
                LOG.warn("purging expired silences failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        List<AutoCloseable> meters = List.of(purger::shutdownNow, streamsMetrics, bind(new KafkaClientMetrics(consumer), registry),
                bind(new KafkaClientMetrics(audit), registry), bind(new KafkaClientMetrics(retries), registry), httpClient::stop);
        dispatching.set(dispatcher);
        dispatcher.start();
        LOG.info("alerting-service {} started; HTTP on port {}", config.applicationId(), http.port());
        return new AlertingService(streams, dispatcher, apiProducer, http, meters, failed);
    }

    private static KafkaClientMetrics bind(KafkaClientMetrics metrics, PrometheusMeterRegistry registry) {
        metrics.bindTo(registry);
        return metrics;
    }

    private static Map<String, Object> producerProps(AlertingConfig config, String name) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-" + name);
        return props;
    }

    @SuppressWarnings("unchecked")
    private static Serializer<SpecificRecord> anyRecord(Serializer<? extends SpecificRecord> serializer) {
        Serializer<SpecificRecord> any = (Serializer<SpecificRecord>) serializer;
        return any;
    }

    public int port() {
        return http.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Readiness false, dispatcher drains (10 s), Streams closes (commits state), producers flush. */
    @Override
    public void close() {
        http.stop();
        dispatcher.close(Duration.ofSeconds(10));
        StreamsSupervision.close(streams, Duration.ofSeconds(60));
        apiProducer.close(Duration.ofSeconds(5));
        for (AutoCloseable meter : meters) {
            try {
                meter.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", meter, e.toString());
            }
        }
        LOG.info("alerting-service stopped");
    }

    public static void main(String[] args) throws InterruptedException {
        AlertingService service = start(AlertingConfig.fromEnv(Env.system()));
        Lifecycle.exitWhen(service.failed, "alerting-service", "Kafka Streams is in ERROR or the dispatcher failed");
        Lifecycle.runUntilShutdown("alerting-service", service);
    }
}
