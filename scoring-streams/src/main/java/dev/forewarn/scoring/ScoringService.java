package dev.forewarn.scoring;

import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.scoring.intake.DlqProcessingExceptionHandler;
import dev.forewarn.scoring.intake.DlqProductionExceptionHandler;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.query.RiskResource;
import dev.forewarn.scoring.query.ScoringRouting;
import dev.forewarn.scoring.score.MicrometerScoringMetrics;
import dev.forewarn.scoring.score.ScoringMetrics;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.service.Env;
import dev.forewarn.service.HttpServers;
import dev.forewarn.service.Lifecycle;
import dev.forewarn.service.Metrics;
import dev.forewarn.service.StreamsSupervision;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import dev.forewarn.topics.TopicSpec;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * scoring-streams: runs {@link ScoringTopology} with health, readiness (the Streams state) and
 * metrics over HTTP.
 *
 * <p>Uncaught exceptions: the failed stream thread is replaced up to 3 times (a transient fault
 * such as a lost broker connection); after that the client shuts down and the process exits with
 * status 1, so an orchestrator restarts it and the failure is never silent. Poison pills never get
 * here: the intake sends them to the DLQ.
 */
public final class ScoringService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringService.class);

    private final KafkaStreams streams;
    private final Javalin http;
    private final KafkaStreamsMetrics streamsMetrics;
    /** Counted down when Kafka Streams reaches ERROR (after the uncaught-exception policy gave up). */
    private final CountDownLatch failed;
    private final Duration scoreInterval;

    private ScoringService(KafkaStreams streams, Javalin http, KafkaStreamsMetrics streamsMetrics, CountDownLatch failed,
                           Duration scoreInterval) {
        this.scoreInterval = scoreInterval;
        this.streams = streams;
        this.http = http;
        this.streamsMetrics = streamsMetrics;
        this.failed = failed;
    }

    /** The Streams properties of the production run (tests use the same). */
    public static Properties streamsProperties(ScoringConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        // One stream thread (Kafka's default). KAFKA_NUM_STREAM_THREADS=<cores> buys about a quarter more throughput on two
        // cores, but with two threads the kill drill (LocalStackKillIT) once saw Streams stay unready for over two minutes after
        // a SIGKILL (not reproduced in ten runs since): not the default until that is understood (README, scoring-streams).
        // EOS commits every 100 ms by default; a risk score a second later costs nothing and a commit
        // (flush, offsets, transaction markers on every written partition) a tenth as often buys throughput.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        // The record cache absorbs repeated updates of an entity between commits; at 10 MB (Kafka's default) a
        // backfill over 100,000 customers evicts (RocksDB write + changelog record) on almost every update.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        // A customer task reads three topics in time order and waits whenever one of its partitions has run dry locally
        // while the broker holds more (a catch-up); larger polls and per-partition buffers (Kafka's: 1,000 each) make that
        // rarer: +15-17 % signals/s on the default scoring benchmark, for at most ~10,000 records per input partition in memory.
        props.put("max.poll.records", 10_000); // unprefixed: KAFKA_MAX_POLL_RECORDS overrides it
        props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 10_000);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProductionExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DlqProcessingExceptionHandler.class);
        // Every internal topic and store is named: a topology change can never silently rename a changelog.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // A signal is never skipped: a partition without committed offsets is read from its start.
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        props.putAll(config.kafkaProperties());
        return props;
    }

    /** The topics scoring reads and writes; it does not start without them (see {@link TopicAdmin#require}). */
    static final List<TopicSpec<?, ?>> TOPICS = List.of(TopicCatalogue.REPORTS, TopicCatalogue.COMPLAINTS, TopicCatalogue.RETURNS,
            TopicCatalogue.REPORTS_DLQ, TopicCatalogue.COMPLAINTS_DLQ, TopicCatalogue.RETURNS_DLQ, TopicCatalogue.SCORES,
            TopicCatalogue.TRANSITIONS);

    public static ScoringService start(ScoringConfig config) {
        AvroSchemas.trustGeneratedClasses();
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            TopicAdmin.require(admin, TOPICS, List.of(TopicCatalogue.SIGNALS, List.of(TopicCatalogue.SCORES, TopicCatalogue.TRANSITIONS)));
        }
        PrometheusMeterRegistry registry = Metrics.prometheus("scoring-streams");
        // HTTP first: its port is this instance's application.server for interactive queries.
        AtomicReference<KafkaStreams> running = new AtomicReference<>();
        AtomicReference<HostInfo> self = new AtomicReference<>();
        RiskModel model = new RiskModel(config.model());
        AvroSerdeConfig serdeConfig = AvroSerdeConfig.of(config.registryUrl(), config.kafkaProperties());
        SchemaRegistryClient schemaRegistry = SchemaRegistryClient.http(serdeConfig.registry());
        Metrics.registryErrors(registry, schemaRegistry);
        Javalin http = HttpServers.start(config.host(), config.port(), 64 * 1024,
                () -> running.get() != null && running.get().state() == KafkaStreams.State.RUNNING && schemaRegistry.isReachable(),
                registry,
                routes -> ScoringRouting.routes(routes, new RiskResource(running::get, self::get, model, Clock.systemUTC(), config.apiKeys())));
        HostInfo host = new HostInfo(config.advertisedHost(), http.port());
        self.set(host);
        Properties props = streamsProperties(config);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, host.host() + ":" + host.port());
        ScoringMetrics metrics = new MicrometerScoringMetrics(registry);
        props.put(DlqProductionExceptionHandler.METRICS_CONFIG, metrics);
        KafkaStreams streams;
        try {
            streams = new KafkaStreams(ScoringTopology.build(config, metrics, new TopicSerdes(schemaRegistry, serdeConfig)), props);
        } catch (RuntimeException e) {
            http.stop();
            throw e;
        }
        CountDownLatch failed = StreamsSupervision.supervise(streams);
        Metrics.streamsRunning(registry, running::get);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        running.set(streams);
        streams.start();
        LOG.info("scoring-streams {} started; HTTP and queries on {}:{}", config.applicationId(), host.host(), host.port());
        return new ScoringService(streams, http, streamsMetrics, failed, config.scoreInterval());
    }

    public int port() {
        return http.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Stops HTTP, lets one more score pass run (so the scores of what was processed are written
     * with the last commit rather than at the next start), then closes Streams (commits, flushes
     * state, leaves the group), waiting up to 60 s.
     */
    @Override
    public void close() {
        http.stop();
        if (streams.state() == KafkaStreams.State.RUNNING) {
            try {
                Thread.sleep(scoreInterval.toMillis() + 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StreamsSupervision.close(streams, Duration.ofSeconds(60));
        streamsMetrics.close();
        LOG.info("scoring-streams stopped");
    }

    public static void main(String[] args) throws InterruptedException {
        ScoringService service = start(ScoringConfig.fromEnv(Env.system()));
        Lifecycle.exitWhen(service.failed, "scoring-streams", "Kafka Streams is in ERROR");
        Lifecycle.runUntilShutdown("scoring-streams", service);
    }
}
