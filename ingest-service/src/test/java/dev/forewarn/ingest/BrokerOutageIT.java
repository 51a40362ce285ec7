package dev.forewarn.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forewarn.events.CustomerReport;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaBrokerProcess;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.Topics;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker is stopped under load and started again: every event answered 202 is on the topic
 * afterwards, every other answer is a 503 with Retry-After, and readiness follows the broker.
 */
class BrokerOutageIT {

    private static final KafkaTestEnvironment REGISTRY = ForewarnKafka.get();
    private static KafkaBrokerProcess broker;
    private static IngestService service;
    private static IngestClient client;

    @BeforeAll
    static void start() {
        broker = KafkaBrokerProcess.start(Path.of("target", "broker-outage-" + UUID.randomUUID()), 0);
        Topics.createCatalogue(Map.of("bootstrap.servers", broker.bootstrapServers()));
        // Shorter producer timeouts than production so records caught by the outage fail within the test.
        service = IngestService.start(IngestConfig.of(REGISTRY.schemaRegistryUrl(), ApiKeys.parse(IngestClient.KEYS),
                Map.of("bootstrap.servers", broker.bootstrapServers(), "request.timeout.ms", 4_000,
                        "delivery.timeout.ms", 8_000)));
        client = new IngestClient(service.port(), IngestClient.CRM_KEY);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private record Answer(int status, boolean retryAfter) {
    }

    @Test
    void shouldNeverAcknowledgeAnEventThatIsNotOnTheTopic() throws Exception {
        String customer = "C-" + UUID.randomUUID();
        Map<String, Answer> answers = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(8);
        for (int worker = 0; worker < 8; worker++) {
            load.submit(() -> {
                while (running.get()) {
                    String eventId = UUID.randomUUID().toString();
                    String body = "{\"eventId\":\"" + eventId + "\",\"customerId\":\"" + customer + "\",\"occurredAt\":\""
                            + Instant.now() + "\",\"feedbackType\":\"NEGATIVE\"}";
                    try {
                        HttpResponse<String> response = client.post("/v1/reports", body);
                        answers.put(eventId, new Answer(response.statusCode(),
                                response.headers().firstValue("Retry-After").isPresent()));
                    } catch (Exception e) {
                        answers.put(eventId, new Answer(-1, false));
                    }
                }
                return null;
            });
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count(answers, 202) >= 200);

        broker.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.send("GET", "/health/ready", null, null).statusCode() == 503);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(answers, 503) >= 50);
        broker.restart();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.send("GET", "/health/ready", null, null).statusCode() == 200);
        long acceptedBeforeRecovery = count(answers, 202);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(answers, 202) >= acceptedBeforeRecovery + 200);
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        Set<String> onTopic = Topics.readToEnd(Map.of("bootstrap.servers", broker.bootstrapServers()), "customer.reports",
                        Topics.avro(REGISTRY, CustomerReport.class)).stream()
                .filter(r -> r.key().equals(customer)).map(r -> r.value().getEventId()).collect(Collectors.toSet());
        List<String> acknowledged = answers.entrySet().stream().filter(e -> e.getValue().status() == 202).map(Map.Entry::getKey).toList();
        assertThat(answers.values()).extracting(Answer::status).as("only 202 and 503 answers").containsOnly(202, 503);
        assertThat(answers.values()).filteredOn(a -> a.status() == 503).allMatch(Answer::retryAfter);
        assertThat(onTopic).as("every acknowledged event is on the topic").containsAll(acknowledged);
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(400);
    }

    private static long count(Map<String, Answer> answers, int status) {
        return answers.values().stream().filter(a -> a.status() == status).count();
    }
}
