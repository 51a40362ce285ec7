package dev.forewarn.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ChildJvm;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.TestRecords;
import dev.forewarn.topics.TopicCatalogue;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Kill the service (SIGKILL of a child JVM) while notifications are in flight, restart it, and
 * check that every transition was delivered at least once, that duplicates share their
 * {@code webhook-id}, and that no acknowledged alert is sent again.
 */
class AlertingCrashIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ALERTS = 150;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Path stateDir = Path.of("target", "alerting-crash", run);

    private Process startChild(String name, WebhookReceiver receiver, int port) throws Exception {
        ProcessBuilder builder = ChildJvm.service(AlertingService.class, "384m");
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", KAFKA.schemaRegistryUrl());
        env.put("ALERTING_APPLICATION_ID", "alerting-crash-" + run);
        env.put("ALERTING_STATE_DIR", stateDir.toAbsolutePath().toString());
        env.put("ALERTING_PORT", Integer.toString(port));
        env.put("ALERTING_AUTH_DISABLED", "true");
        env.put("ALERTING_DEFAULT_WEBHOOK_URL", receiver.url("/hook/" + run));
        env.put("ALERTING_WEBHOOK_ALLOW", "127.0.0.1");
        env.put("ALERTING_WEBHOOK_SECRET", AlertingServiceIT.SECRET);
        env.put("ALERTING_RATE_PER_DESTINATION", "500");
        env.put("ALERTING_RETRY_HORIZON", "20s"); // other test classes' notifications in the shared outbox give up soon
        env.put("ALERTING_TICK_INTERVAL", "200ms");
        env.put("KAFKA_SESSION_TIMEOUT_MS", "10000");
        File log = stateDir.resolve(name + ".log").toFile();
        log.getParentFile().mkdirs();
        return builder.redirectErrorStream(true).redirectOutput(log).start();
    }

    private static int status(int port, String method, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void shouldDeliverEveryTransitionAtLeastOnceAcrossAKillAndNeverResendAnAcknowledgedAlert() throws Exception {
        AlertingServiceIT.createTopics(KAFKA.clientProperties());
        int port = ChildJvm.freePort();
        String hook = "/hook/" + run;
        Set<String> expected = java.util.stream.IntStream.range(0, ALERTS).mapToObj(i -> "CUSTOMER:K" + run + "-" + i)
                .collect(Collectors.toSet());
        try (WebhookReceiver receiver = new WebhookReceiver(AlertingServiceIT.SECRET)) {
            Process first = startChild("first", receiver, port);
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> status(port, "GET", "/health/ready") == 200);
                AvroSerdeConfig serde = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
                try (var producer = new KafkaProducer<>(new HashMap<>(KAFKA.clientProperties()), new StringSerializer(),
                        new AvroSerializer<RiskTransition>(SchemaRegistryClient.http(serde.registry()), serde, false))) {
                    for (int i = 0; i < ALERTS; i++) {
                        String customer = "K" + run + "-" + i;
                        producer.send(new ProducerRecord<>(TopicCatalogue.TRANSITIONS.name(), "CUSTOMER:" + customer, TestRecords.riskTransition()
                                .setEntityType(EntityType.CUSTOMER).setEntityId(customer).setKind(TransitionKind.ESCALATED)
                                .setToLevel(RiskLevel.WARNING).setOccurredAt(Instant.now()).build()));
                    }
                    producer.flush();
                }
                // Acknowledge the first alerts that arrive, then kill while the rest are being delivered.
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.at(hook).stream()
                        .filter(r -> expected.contains(r.body().path("alert").path("id").asText())).count() >= 10);
                receiver.delay(Duration.ofMillis(500)); // the receiver slows down: notifications pile up in flight
                // Only this test's alerts: the outbox is shared with other tests' services, and a notification of theirs this
                // instance cannot deliver goes to this instance's default route (this hook).
                List<String> acked = receiver.at(hook).stream().map(r -> r.body().path("alert").path("id").asText())
                        .filter(expected::contains).distinct().limit(5).toList();
                for (String alertId : acked) {
                    assertThat(status(port, "POST", "/v1/alerts/" + alertId + "/ack")).isEqualTo(202);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> acked.stream().allMatch(id -> {
                    try {
                        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/alerts/" + id)).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        return JSON.readTree(body).path("state").asText().equals("ACKNOWLEDGED");
                    } catch (Exception e) {
                        return false;
                    }
                }));
                Instant ackedAt = Instant.now();
                long beforeKill = receiver.at(hook).stream().filter(r -> expected.contains(r.body().path("alert").path("id").asText())).count();
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no commit, no flush
                assertThat(beforeKill).as("killed while notifications were still in flight").isLessThan(ALERTS);

                receiver.delay(Duration.ZERO);
                Process second = startChild("second", receiver, port);
                try {
                    await().atMost(Duration.ofSeconds(120)).until(() -> receiver.at(hook).stream()
                            .map(r -> r.body().path("alert").path("id").asText()).collect(Collectors.toSet()).containsAll(expected));

                    Map<String, Set<String>> idsPerAlert = receiver.at(hook).stream()
                            .filter(r -> expected.contains(r.body().path("alert").path("id").asText()))
                            .collect(Collectors.groupingBy(r -> r.body().path("alert").path("id").asText(),
                                    Collectors.mapping(WebhookReceiver.Received::id, Collectors.toSet())));
                    assertThat(idsPerAlert).hasSize(ALERTS);
                    assertThat(idsPerAlert.values()).as("a re-sent notification keeps its webhook-id").allMatch(ids -> ids.size() == 1);
                    assertThat(receiver.at(hook)).allMatch(WebhookReceiver.Received::signatureValid);
                    assertThat(receiver.at(hook))
                            .filteredOn(r -> acked.contains(r.body().path("alert").path("id").asText()))
                            .as("no acknowledged alert is sent again").allMatch(r -> r.receivedAt().isBefore(ackedAt));
                } finally {
                    second.destroy();
                    second.waitFor(60, TimeUnit.SECONDS);
                }
            } finally {
                first.destroyForcibly();
            }
        }
    }
}
