package dev.forewarn.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forewarn.alerting.AlertingService;
import dev.forewarn.alerting.delivery.WebhookSecrets;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.RiskScore;
import dev.forewarn.scoring.ScoringService;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ChildJvm;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.Topics;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Scale-out and crash drill on one broker: two scoring-streams and two alerting-service
 * instances under a steady signal flow, and one of each killed with SIGKILL mid-run. Every
 * signal must be scored once, every escalation alerted with a stable webhook-id, and the
 * surviving scoring instance must answer queries through the rebalance with 200 or 503 +
 * Retry-After, never a wrong 404.
 */
class ScaleOutDrillIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final int CUSTOMERS = 40;
    private static final int ROUNDS = 10;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Path home = Path.of("target", "drill", run);
    private final String secret = WebhookSecrets.generate();
    /** The risk API needs a token: a query forwarded to the instance owning the key carries it. */
    private static final String RISK_TOKEN = "drill-risk-token-0123456789";

    private Process child(Class<?> main, String name, Map<String, String> env) throws Exception {
        ProcessBuilder builder = ChildJvm.of(main.getName(), List.of("-Xmx384m",
                "-Dlog4j2.configurationFile=" + Path.of("src", "test", "resources", "log4j2-test.xml").toAbsolutePath()));
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        builder.environment().put("SCHEMA_REGISTRY_URL", KAFKA.schemaRegistryUrl());
        builder.environment().put("KAFKA_SESSION_TIMEOUT_MS", "10000"); // the killed member leaves the group sooner
        builder.environment().putAll(env);
        File log = home.resolve(name + ".log").toFile();
        log.getParentFile().mkdirs();
        return builder.redirectErrorStream(true).redirectOutput(log).start();
    }

    private Process scoring(String name, int port) throws Exception {
        return child(ScoringService.class, name, Map.of("SCORING_APPLICATION_ID", "drill-scoring-" + run,
                "SCORING_STATE_DIR", home.resolve(name).toAbsolutePath().toString(), "SCORING_PORT", Integer.toString(port),
                "SCORING_ADVERTISED_HOST", "127.0.0.1", "SCORING_API_TOKENS", "drill:" + RISK_TOKEN));
    }

    private Process alerting(String name, int port, AlertReceiver receiver) throws Exception {
        return child(AlertingService.class, name, Map.of("ALERTING_APPLICATION_ID", "drill-alerting-" + run,
                "ALERTING_STATE_DIR", home.resolve(name).toAbsolutePath().toString(), "ALERTING_PORT", Integer.toString(port),
                "ALERTING_AUTH_DISABLED", "true", "ALERTING_DEFAULT_WEBHOOK_URL", receiver.url() + "/hooks/quality-team",
                "ALERTING_WEBHOOK_ALLOW", "127.0.0.1", "ALERTING_WEBHOOK_SECRET", secret,
                "ALERTING_RATE_PER_DESTINATION", "1000", "ALERTING_TICK_INTERVAL", "200ms"));
    }

    private static int status(String url, Map<Integer, Integer> retryAfterMissing) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + RISK_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isEmpty()) {
                retryAfterMissing.merge(503, 1, Integer::sum);
            }
            return response.statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    private String customer(int i) {
        return "S" + run + "-" + i;
    }

    private Map<String, RiskScore> latestScores() {
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, RiskScore> latest = new LinkedHashMap<>();
        Topics.readToEnd(props, "risk.scores", Topics.avro(KAFKA, RiskScore.class)).forEach(r -> {
            if (r.key().startsWith("CUSTOMER:S" + run)) {
                latest.put(r.key(), r.value());
            }
        });
        return latest;
    }

    @Test
    void shouldScoreAlertAndAnswerThroughTheSigkillOfOneInstanceOfEach() throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            TopicAdmin.createMissing(admin, TopicCatalogue.all(), 3, (short) 1);
        }
        int[] ports = IntStream.range(0, 4).map(i -> ChildJvm.freePort()).toArray();
        List<Process> processes = new ArrayList<>();
        try (AlertReceiver receiver = AlertReceiver.start("127.0.0.1", 0, secret)) {
            Process scoringA = scoring("scoring-a", ports[0]);
            Process scoringB = scoring("scoring-b", ports[1]);
            Process alertingA = alerting("alerting-a", ports[2], receiver);
            Process alertingB = alerting("alerting-b", ports[3], receiver);
            processes.addAll(List.of(scoringA, scoringB, alertingA, alertingB));
            for (int port : ports) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> status("http://127.0.0.1:" + port + "/health/ready", new HashMap<>()) == 200);
            }

            AvroSerdeConfig serde = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
            Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
            props.put("acks", "all");
            String survivor = "http://127.0.0.1:" + ports[1] + "/v1/risk/customers/";
            List<Integer> answers = new CopyOnWriteArrayList<>();
            Map<Integer, Integer> retryAfterMissing = new java.util.concurrent.ConcurrentHashMap<>();
            try (KafkaProducer<String, CustomerReport> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new AvroSerializer<>(SchemaRegistryClient.http(serde.registry()), serde, false))) {
                for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < CUSTOMERS; i++) {
                        // MUST_BE severity 5: weight 10 each; two make WARNING, four CRITICAL.
                        producer.send(new ProducerRecord<>("customer.reports", customer(i), CustomerReport.newBuilder()
                                .setEventId(run + "-" + round + "-" + i).setCustomerId(customer(i)).setOccurredAt(Instant.now())
                                .setSource("drill").setKanoCategory(KanoCategory.MUST_BE).setFeedbackType(FeedbackType.NEGATIVE)
                                .setSeverity(5).build()));
                    }
                    producer.flush();
                    if (round == 3) {
                        // A customer the survivor must keep answering for, whichever instance owns it — once its state is committed:
                        // queries read a task's uncommitted state too (Kafka Streams under exactly-once), and what the killed
                        // instance had not committed is rolled back and scored again by the survivor (404 until then, rightly).
                        await().atMost(Duration.ofSeconds(60)).until(() -> status(survivor + customer(0), retryAfterMissing) == 200
                                && latestScores().containsKey("CUSTOMER:" + customer(0)));
                        scoringA.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                        alertingA.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    }
                    if (round >= 3) {
                        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                        while (System.nanoTime() < until) {
                            answers.add(status(survivor + customer(0), retryAfterMissing));
                            Thread.sleep(100);
                        }
                    }
                }
            }

            // Every signal scored exactly once, by whichever instance survived.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Map<String, RiskScore> scores = latestScores();
                assertThat(scores).hasSize(CUSTOMERS);
                assertThat(scores.values()).allSatisfy(s -> assertThat(s.getCounts().getNegativeReports()).isEqualTo(ROUNDS));
            });
            // The survivor answered through the rebalance: 200, or 503 with Retry-After — never a wrong 404.
            answers.add(status(survivor + customer(0), retryAfterMissing));
            assertThat(answers).as("answers of the surviving instance").isNotEmpty().allMatch(s -> s == 200 || s == 503);
            assertThat(retryAfterMissing).as("503s without Retry-After").isEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> status(survivor + customer(0), retryAfterMissing) == 200);

            // Every escalation alerted (each customer reached CRITICAL), each notification with one stable webhook-id.
            Set<String> expected = IntStream.range(0, CUSTOMERS).mapToObj(i -> "CUSTOMER:" + customer(i)).collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(receiver.received().stream()
                    .filter(a -> a.level().equals("CRITICAL")).map(AlertReceiver.Received::entityKey).collect(Collectors.toSet()))
                    .containsAll(expected));
            Map<String, Set<String>> firingIds = receiver.received().stream().filter(a -> expected.contains(a.entityKey()))
                    .filter(a -> a.kind().equals("FIRING"))
                    .collect(Collectors.groupingBy(AlertReceiver.Received::entityKey,
                            Collectors.mapping(AlertReceiver.Received::notificationId, Collectors.toSet())));
            assertThat(firingIds).hasSize(CUSTOMERS);
            assertThat(firingIds.values()).as("one FIRING per alert, re-sent with the same id").allMatch(ids -> ids.size() == 1);
            assertThat(receiver.badSignatures()).isZero();
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                p.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }
}
