package dev.forewarn.ingest;

import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.ingest.http.IngestRouting;
import dev.forewarn.ingest.http.OwnerResource;
import dev.forewarn.ingest.http.SignalResource;
import dev.forewarn.ingest.http.Writes;
import dev.forewarn.ingest.kafka.SignalPublisher;
import dev.forewarn.ingest.signal.OwnerParser;
import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.service.Env;
import dev.forewarn.service.HttpServers;
import dev.forewarn.service.KafkaReadiness;
import dev.forewarn.service.Lifecycle;
import dev.forewarn.service.Metrics;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSpec;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ingest-service: takes customer signals over HTTP/JSON and writes them to Kafka as Avro,
 * answering 202 only once Kafka has acknowledged them.
 */
public final class IngestService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final IngestConfig config;
    private final Javalin http;
    private final Writes writes;
    private final SignalPublisher publisher;
    private final KafkaReadiness kafka;

    private IngestService(IngestConfig config, Javalin http, Writes writes, SignalPublisher publisher, KafkaReadiness kafka) {
        this.config = config;
        this.http = http;
        this.writes = writes;
        this.publisher = publisher;
        this.kafka = kafka;
    }

    /** The topics ingest writes; it does not start when one is missing or mis-configured (see {@link TopicAdmin#require}). */
    static final List<TopicSpec<?, ?>> TOPICS = List.of(TopicCatalogue.REPORTS, TopicCatalogue.COMPLAINTS, TopicCatalogue.RETURNS,
            TopicCatalogue.OWNERS);

    public static IngestService start(IngestConfig config) {
        checkTopics(config);
        PrometheusMeterRegistry metrics = Metrics.prometheus("ingest-service");
        SignalPublisher publisher = new SignalPublisher(config.kafkaProperties(), config.registryUrl());
        KafkaReadiness kafka = null;
        try {
            publisher.bindMetrics(metrics);
            kafka = KafkaReadiness.start(config.kafkaProperties(), Duration.ofSeconds(2), Duration.ofSeconds(2));
            Writes writes = new Writes(config.apiKeys(), publisher, kafka, metrics);
            SignalResource signals = new SignalResource(new SignalParser(config.rules()), writes, config.maxBatchItems());
            OwnerResource owners = new OwnerResource(new OwnerParser(config.rules().clock(), config.rules().rejectUnknownFields()), writes);
            KafkaReadiness reachable = kafka;
            Javalin http = HttpServers.start(config.host(), config.port(), config.maxBodyBytes(),
                    () -> writes.accepting() && reachable.getAsBoolean() && publisher.registry().isReachable(), metrics,
                    routes -> IngestRouting.routes(routes, signals, owners, config.maxBodyBytes()));
            Metrics.registryErrors(metrics, publisher.registry());
            LOG.info("ingest-service listening on port {}, authentication {}", http.port(),
                    config.apiKeys().enabled() ? "by API key" : "DISABLED (local run only)");
            return new IngestService(config, http, writes, publisher, kafka);
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            publisher.close();
            throw e;
        }
    }

    /**
     * Refuses to start on missing or mis-configured topics. Unlike the Streams services, ingest starts while Kafka
     * is unreachable (it is then not ready, and answers 503): the check is skipped with a warning.
     */
    private static void checkTopics(IngestConfig config) {
        try (Admin admin = Admin.create(config.kafkaProperties())) {
            TopicAdmin.require(admin, TOPICS, List.of(TopicCatalogue.SIGNALS));
        } catch (TopicAdmin.TopicMismatchException e) {
            throw e;
        } catch (IllegalStateException e) {
            LOG.warn("could not check the topics ({}); starting without the check", e.getMessage());
        }
    }

    public int port() {
        return http.port();
    }

    /**
     * Graceful shutdown: readiness goes false and new writes get 503, in-flight requests finish
     * (up to the configured grace), then the HTTP server stops and the producer flushes and closes.
     */
    @Override
    public void close() {
        writes.stopAccepting();
        try {
            if (!writes.awaitIdle(config.shutdownGrace())) {
                LOG.warn("requests still in flight after {}; stopping anyway", config.shutdownGrace());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.stop();
        publisher.close();
        kafka.close();
        LOG.info("ingest-service stopped");
    }

    public static void main(String[] args) throws InterruptedException {
        Lifecycle.runUntilShutdown("ingest-service", start(IngestConfig.fromEnv(Env.system())));
    }
}
