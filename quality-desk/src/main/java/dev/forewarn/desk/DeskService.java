package dev.forewarn.desk;

import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.service.Env;
import dev.forewarn.service.HttpServers;
import dev.forewarn.service.Lifecycle;
import dev.forewarn.service.Metrics;
import dev.forewarn.topics.TopicSerdes;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * quality-desk: the quality team's pages ({@link DeskApp}), the evidence index read from the signal topics, and the
 * warnings' quality as metrics (computed each minute over the last 30 days), with health and metrics like every service.
 */
public final class DeskService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeskService.class);

    private final Javalin http;
    private final EvidenceIndex evidence;
    private final ScheduledExecutorService scheduler;

    private DeskService(Javalin http, EvidenceIndex evidence, ScheduledExecutorService scheduler) {
        this.http = http;
        this.evidence = evidence;
        this.scheduler = scheduler;
    }

    public static DeskService start(DeskConfig config) {
        PrometheusMeterRegistry registry = Metrics.prometheus("quality-desk");
        EvidenceIndex evidence = new EvidenceIndex(config.evidencePerEntity(), config.evidenceEntities(), config.escalation());
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "quality-desk-evidence");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        AvroSerdeConfig serdeConfig = AvroSerdeConfig.of(config.registryUrl(), config.kafkaProperties());
        evidence.start(new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                new TopicSerdes(SchemaRegistryClient.http(serdeConfig.registry()), serdeConfig));

        java.net.http.HttpClient client = Backend.client();
        Backend alerting = new Backend("alerting-service", config.alertingUrl(), client);
        Backend scoring = new Backend("scoring-streams", config.scoringUrl(), client);
        DeskApp app = new DeskApp(config, new Sessions(config.sessionTtl(), Clock.systemUTC()), alerting, scoring, evidence, Clock.systemUTC());
        Javalin http = HttpServers.start(config.host(), config.port(), 64 * 1024, evidence::healthy, registry, app::routes);

        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "desk-quality-metrics");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<QualityReport> last = new AtomicReference<>();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                Instant now = Instant.now();
                last.set(app.report(now.minus(Duration.ofDays(30)), now, config.serviceToken().orElse(null)));
            } catch (RuntimeException e) {
                LOG.warn("warning-quality metrics not updated: {}", e.toString());
            }
        }, 5, 60, TimeUnit.SECONDS);
        gauge(registry, "forewarn.desk.alerts.fired", "alerts fired in the last 30 days", last, r -> r.fired());
        gauge(registry, "forewarn.desk.alerts.confirmed", "of those, marked a confirmed problem", last, r -> r.confirmed());
        gauge(registry, "forewarn.desk.alerts.false.alarms", "of those, marked a false alarm", last, r -> r.falseAlarms());
        gauge(registry, "forewarn.desk.escalations", "complaints at the escalation severity in the last 30 days", last,
                r -> r.escalations().size());
        gauge(registry, "forewarn.desk.escalations.caught", "of those, with an alert on their customer or product before them", last,
                r -> r.caught());
        gauge(registry, "forewarn.desk.escalation.lead.median.seconds", "median warning lead time of the escalations caught", last,
                r -> r.leadQuantile(0.5).map(Duration::toSeconds).orElse(0L));
        io.micrometer.core.instrument.FunctionCounter.builder("forewarn.desk.evidence.unreadable", evidence, EvidenceIndex::unreadable)
                .description("signal or audit records the evidence index could not read").register(registry);
        LOG.info("quality-desk listening on {}:{} (alerting {}, scoring {})", config.host(), http.port(), config.alertingUrl(),
                config.scoringUrl());
        return new DeskService(http, evidence, scheduler);
    }

    private static void gauge(PrometheusMeterRegistry registry, String name, String description, AtomicReference<QualityReport> last,
                              java.util.function.ToDoubleFunction<QualityReport> value) {
        Gauge.builder(name, last, ref -> ref.get() == null ? Double.NaN : value.applyAsDouble(ref.get()))
                .description(description).strongReference(true).register(registry);
    }

    public int port() {
        return http.port();
    }

    public EvidenceIndex evidence() {
        return evidence;
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        http.stop();
        evidence.close();
    }

    public static void main(String[] args) throws InterruptedException {
        Lifecycle.runUntilShutdown("quality-desk", start(DeskConfig.fromEnv(Env.system())));
    }
}
