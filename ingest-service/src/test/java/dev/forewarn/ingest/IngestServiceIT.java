package dev.forewarn.ingest;

import static dev.forewarn.ingest.IngestClient.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.ingest.kafka.SignalPublisher;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.Topics;
import dev.forewarn.topics.TopicCatalogue;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP intake against the real broker and registry: what is acknowledged is on the topic, nothing else. */
class IngestServiceIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static IngestService service;
    private static IngestClient crm;

    @BeforeAll
    static void start() {
        KAFKA.createCatalogue();
        service = IngestService.start(IngestConfig.of(KAFKA.schemaRegistryUrl(), ApiKeys.parse(IngestClient.KEYS),
                KAFKA.clientProperties()));
        crm = new IngestClient(service.port(), IngestClient.CRM_KEY);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static List<ConsumerRecord<String, CustomerReport>> reportsOf(String customerId) {
        return Topics.readToEnd(KAFKA, "customer.reports", Topics.avro(KAFKA, CustomerReport.class)).stream()
                .filter(r -> r.key().equals(customerId)).toList();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldAcknowledgeAValidReportOnlyOnceItIsOnTheTopic() throws Exception {
        String customer = "C-" + UUID.randomUUID();

        HttpResponse<String> response = crm.post("/v1/reports", report(customer, 4), "X-Request-Id", "trace-42");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(reportsOf(customer)).singleElement().satisfies(r -> {
            assertThat(r.value().getEventId()).isEqualTo(answer.path("eventId").asText());
            assertThat(r.value().getSource()).isEqualTo("crm");
            assertThat(r.value().getSeverity()).isEqualTo(4);
            assertThat(r.offset()).isEqualTo(answer.path("offset").asLong());
            assertThat(r.timestamp()).as("the record timestamp is the event time").isEqualTo(r.value().getOccurredAt().toEpochMilli());
            assertThat(header(r, SignalPublisher.SOURCE_HEADER)).isEqualTo("crm");
            assertThat(header(r, SignalPublisher.TRACE_HEADER)).isEqualTo("trace-42");
            assertThat(Long.parseLong(header(r, dev.forewarn.topics.TopicCatalogue.INGESTED_AT_HEADER)))
                    .as("when ingest took it").isBetween(r.timestamp(), System.currentTimeMillis());
        });
    }

    @Test
    void shouldAnswerProblemJsonAndWriteNothingForAnInvalidReport() throws Exception {
        String customer = "C-" + UUID.randomUUID();

        HttpResponse<String> invalid = crm.post("/v1/reports", report(customer, 9));
        HttpResponse<String> malformed = crm.post("/v1/reports", "{\"customerId\":");
        HttpResponse<String> wrongType = crm.send("POST", "/v1/reports", "text/plain", report(customer, 3).getBytes());
        HttpResponse<String> unknownRoute = crm.post("/v1/moods", "{}");
        HttpResponse<String> tooLarge = crm.post("/v1/reports",
                "{\"customerId\":\"" + customer + "\",\"text\":\"" + "x".repeat(1_100_000) + "\"}");
        HttpResponse<String> wrongMethod = crm.send("GET", "/v1/reports", null, null);

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

        HttpResponse<String> response = crm.post("/v1/reports", batch);

        assertThat(response.statusCode()).isEqualTo(207);
        JsonNode items = JSON.readTree(response.body()).path("items");
        assertThat(items).extracting(i -> i.path("status").asInt()).containsExactly(202, 422, 202);
        assertThat(items.get(1).path("errors").get(0).path("pointer").asText()).isEqualTo("/1/severity");
        assertThat(reportsOf(customer)).extracting(r -> r.value().getSeverity()).containsExactlyInAnyOrder(1, 5);
    }

    @Test
    void shouldRefuseABatchOverTheItemLimitAsAWhole() throws Exception {
        String customer = "C-" + UUID.randomUUID();
        String batch = "[" + String.join(",", java.util.Collections.nCopies(1001, report(customer, 2))) + "]";

        HttpResponse<String> response = crm.post("/v1/reports", batch);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("detail").asText()).contains("at most 1000 events");
        assertThat(reportsOf(customer)).isEmpty();
    }

    @Test
    void shouldAcceptNdjsonLineByLine() throws Exception {
        String customer = "C-" + UUID.randomUUID();
        String ndjson = report(customer, 1) + "\n" + "{\"customerId\": oops}\r\n\n" + report(customer, 2) + "\n";

        HttpResponse<String> response = crm.send("POST", "/v1/reports", "application/x-ndjson", ndjson.getBytes());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(207);
        JsonNode items = JSON.readTree(response.body()).path("items");
        assertThat(items).extracting(i -> i.path("status").asInt()).containsExactly(202, 400, 202);
        assertThat(items.get(1).path("errors").get(0).path("rule").asText()).isEqualTo("json");
        assertThat(reportsOf(customer)).extracting(r -> r.value().getSeverity()).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void shouldStampTheSourceOfTheKeyAndRefuseMissingOrUnknownKeys() throws Exception {
        String customer = "C-" + UUID.randomUUID();
        String posingAsCrm = "{\"customerId\":\"" + customer + "\",\"source\":\"crm\",\"feedbackType\":\"IMPROVEMENT\","
                + "\"occurredAt\":\"" + java.time.Instant.now() + "\"}";

        HttpResponse<String> noKey = new IngestClient(service.port(), null).post("/v1/reports", report(customer, 3));
        HttpResponse<String> unknownKey = new IngestClient(service.port(), "crm-test-key-012345678X").post("/v1/reports", report(customer, 3));
        HttpResponse<String> shop = new IngestClient(service.port(), null).post("/v1/reports", posingAsCrm,
                "X-API-Key", IngestClient.SHOP_KEY);

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(JSON.readTree(noKey.body()).path("title").asText()).isEqualTo("Unauthorized");
        assertThat(unknownKey.statusCode()).isEqualTo(401);
        assertThat(shop.statusCode()).as(shop.body()).isEqualTo(202);
        assertThat(reportsOf(customer)).singleElement().satisfies(r -> assertThat(r.value().getSource()).isEqualTo("shop"));
    }

    @Test
    void shouldUseTheIdempotencyKeyAsEventId() throws Exception {
        String customer = "C-" + UUID.randomUUID();
        String key = "idem-" + UUID.randomUUID();

        HttpResponse<String> response = crm.post("/v1/reports", report(customer, 3), "Idempotency-Key", key);

        assertThat(JSON.readTree(response.body()).path("eventId").asText()).isEqualTo(key);
        assertThat(reportsOf(customer)).singleElement().satisfies(r -> assertThat(r.value().getEventId()).isEqualTo(key));
    }

    @Test
    void shouldWriteOwnersKeyedByEntityAndTombstonesOnDelete() throws Exception {
        String customer = "C-" + UUID.randomUUID();
        String path = "/v1/owners/customer/" + customer;

        HttpResponse<String> put = crm.send("PUT", path, "application/json",
                "{\"ownerId\":\"am-1\",\"email\":\"am1@example.com\"}".getBytes());
        HttpResponse<String> invalid = crm.send("PUT", "/v1/owners/planet/x", "application/json", "{}".getBytes());
        HttpResponse<String> delete = crm.send("DELETE", path, null, null);

        assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(invalid.body()).path("errors")).extracting(e -> e.path("pointer").asText())
                .containsExactly("/entityType");
        assertThat(delete.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(delete.body()).path("deleted").asBoolean()).isTrue();
        List<ConsumerRecord<String, OwnerAssignment>> records = Topics.readToEnd(KAFKA, TopicCatalogue.OWNERS.name(),
                Topics.avro(KAFKA, OwnerAssignment.class)).stream().filter(r -> r.key().equals("CUSTOMER:" + customer)).toList();
        assertThat(records).hasSize(2);
        assertThat(records.get(0).value().getOwnerId()).isEqualTo("am-1");
        assertThat(records.get(1).value()).as("tombstone").isNull();
    }

    @Test
    void shouldExposeRequestEventAndKafkaProducerMetrics() throws Exception {
        String customer = "C-" + UUID.randomUUID();
        crm.post("/v1/reports", report(customer, 3));
        crm.post("/v1/reports", report(customer, 7));

        String metrics = crm.send("GET", "/metrics", null, null).body();

        assertThat(metrics)
                .contains("forewarn_ingest_events_total{outcome=\"accepted\",reason=\"none\",service=\"ingest-service\",type=\"report\"}")
                .contains("forewarn_ingest_events_total{outcome=\"rejected\",reason=\"range\",service=\"ingest-service\",type=\"report\"}")
                .contains("http_server_requests_seconds_bucket{method=\"POST\",service=\"ingest-service\",status=\"202\",uri=\"/v1/reports\"")
                .contains("kafka_producer_record_send_total")
                .contains("jvm_memory_used_bytes");
        assertThat(crm.send("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldLetOnlyATokenWithOwnersWriteChangeTheOwnerDirectory() throws Exception {
        ApiKeys scoped = ApiKeys.parse("crm:" + IngestClient.CRM_KEY + ",directory:" + IngestClient.SHOP_KEY + ":owners:write",
                dev.forewarn.service.auth.Scopes.INGEST, dev.forewarn.service.auth.Scopes.INGEST_DEFAULT);
        try (IngestService strict = IngestService.start(IngestConfig.of(KAFKA.schemaRegistryUrl(), scoped, KAFKA.clientProperties()))) {
            IngestClient signalsOnly = new IngestClient(strict.port(), IngestClient.CRM_KEY);
            IngestClient directory = new IngestClient(strict.port(), IngestClient.SHOP_KEY);
            IngestClient anonymous = new IngestClient(strict.port(), null);
            String owner = "{\"ownerId\":\"am-1\",\"email\":\"am-1@example.com\"}";
            String customer = "C-" + UUID.randomUUID();

            HttpResponse<String> forbidden = signalsOnly.send("PUT", "/v1/owners/CUSTOMER/" + customer, "application/json",
                    owner.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> unauthorized = anonymous.send("PUT", "/v1/owners/CUSTOMER/" + customer, "application/json",
                    owner.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> allowed = directory.send("PUT", "/v1/owners/CUSTOMER/" + customer, "application/json",
                    owner.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> report = signalsOnly.post("/v1/reports", report(customer, 2));
            HttpResponse<String> reportByDirectory = directory.post("/v1/reports", report(customer, 2));

            assertThat(forbidden.statusCode()).isEqualTo(403);
            assertThat(forbidden.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(forbidden.body()).contains("owners:write").doesNotContain(IngestClient.CRM_KEY);
            assertThat(unauthorized.statusCode()).isEqualTo(401);
            assertThat(unauthorized.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(202);
            assertThat(report.statusCode()).as(report.body()).isEqualTo(202);
            assertThat(reportByDirectory.statusCode()).as("a token with owners:write only may not write signals").isEqualTo(403);
            List<String> written = Topics.readToEnd(KAFKA, TopicCatalogue.OWNERS.name(), Topics.avro(KAFKA, OwnerAssignment.class)).stream()
                    .filter(r -> r.key().equals("CUSTOMER:" + customer)).map(r -> r.value().getOwnerId()).toList();
            assertThat(written).containsExactly("am-1");
        }
    }
}
