package dev.forewarn.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.serde.AvroDeserializer;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP intake against the real broker and registry: what is acknowledged is on the topic, nothing else. */
class IngestServiceIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static IngestService service;

    @BeforeAll
    static void start() {
        KAFKA.createTopic("customer.reports", 3, false);
        service = IngestService.start(new IngestConfig(0, KAFKA.schemaRegistryUrl(), 1 << 20, 1000, "crm",
                SignalParser.Rules.defaults(), KAFKA.clientProperties()));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String report(String customerId, Object severity) {
        return """
                {"customerId":"%s","occurredAt":"%s","feedbackType":"NEGATIVE","severity":%s}"""
                .formatted(customerId, Instant.now().minusSeconds(60), severity);
    }

    /**
     * Every report of {@code customerId} on the topic, read up to the end offsets as they are now:
     * a 202 means the broker already acknowledged, so this is exact, with no waiting window.
     */
    private static List<CustomerReport> reportsOf(String customerId) {
        AvroSerdeConfig serde = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        List<CustomerReport> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new AvroDeserializer<>(
                new SchemaRegistryClient(serde.registry()), serde, Optional.of(CustomerReport.class)))) {
            List<TopicPartition> partitions = consumer.partitionsFor("customer.reports").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("caught up with customer.reports within 30 s").isLessThan(deadline);
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (r.key().equals(customerId)) {
                        found.add(r.value());
                    }
                });
            }
        }
        return found;
    }

    @Test
    void shouldAcknowledgeAValidReportOnlyOnceItIsOnTheTopic() throws Exception {
        String customer = "C-" + UUID.randomUUID();

        HttpResponse<String> response = post("/v1/reports", "application/json", report(customer, 4));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(response.body());
        List<CustomerReport> written = reportsOf(customer);
        assertThat(written).singleElement().satisfies(r -> {
            assertThat(r.getEventId()).isEqualTo(answer.path("eventId").asText());
            assertThat(r.getSource()).isEqualTo("crm");
            assertThat(r.getSeverity()).isEqualTo(4);
        });
    }

    @Test
    void shouldAnswerProblemJsonAndWriteNothingForAnInvalidReport() throws Exception {
        String customer = "C-" + UUID.randomUUID();

        HttpResponse<String> invalid = post("/v1/reports", "application/json", report(customer, 9));
        HttpResponse<String> malformed = post("/v1/reports", "application/json", "{\"customerId\":");
        HttpResponse<String> wrongType = post("/v1/reports", "text/plain", report(customer, 3));
        HttpResponse<String> unknownRoute = post("/v1/moods", "application/json", "{}");
        HttpResponse<String> tooLarge = post("/v1/reports", "application/json",
                "{\"customerId\":\"" + customer + "\",\"text\":\"" + "x".repeat(1_100_000) + "\"}");
        HttpResponse<String> wrongMethod = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.port() + "/v1/reports")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(invalid.body());
        assertThat(problem.path("errors").get(0).path("pointer").asText()).isEqualTo("/severity");
        assertThat(problem.path("errors").get(0).path("rule").asText()).isEqualTo("range");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(unknownRoute.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownRoute.body()).path("status").asInt()).isEqualTo(404);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(tooLarge.body()).path("status").asInt()).isEqualTo(413);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(wrongMethod.body()).path("title").asText()).isEqualTo("Method Not Allowed");
        assertThat(reportsOf(customer)).isEmpty();
    }

    @Test
    void shouldWriteTheValidItemsOfABatchAndNameTheInvalidOnes() throws Exception {
        String customer = "C-" + UUID.randomUUID();
        String batch = "[" + report(customer, 1) + "," + report(customer, 0) + "," + report(customer, 5) + "]";

        HttpResponse<String> response = post("/v1/reports", "application/json", batch);

        assertThat(response.statusCode()).isEqualTo(207);
        JsonNode items = JSON.readTree(response.body()).path("items");
        assertThat(items).extracting(i -> i.path("status").asInt()).containsExactly(202, 422, 202);
        assertThat(items.get(1).path("errors").get(0).path("pointer").asText()).isEqualTo("/1/severity");
        assertThat(reportsOf(customer)).extracting(CustomerReport::getSeverity).containsExactlyInAnyOrder(1, 5);
    }
}
