package dev.forewarn.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.topics.TopicCatalogue;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile bodies: each gets its documented status with a problem (or a per-item
 * answer), nothing reaches Kafka, and the service stays live and ready after every one.
 */
class HostileBodiesIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TOPICS = List.of("customer.reports", "customer.complaints", "customer.returns",
            TopicCatalogue.OWNERS.name());
    private static final String NOW = Instant.now().toString();
    private static IngestService service;
    private static IngestClient client;

    @BeforeAll
    static void start() {
        KAFKA.createCatalogue();
        service = IngestService.start(IngestConfig.of(KAFKA.schemaRegistryUrl(), ApiKeys.parse(IngestClient.KEYS),
                KAFKA.clientProperties()));
        client = new IngestClient(service.port(), IngestClient.CRM_KEY);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private record Case(String name, String method, String path, String contentType, byte[] body, int status,
                        String apiKey) {

        Case(String name, String path, String body, int status) {
            this(name, "POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8), status, IngestClient.CRM_KEY);
        }

        Case withContentType(String type) {
            return new Case(name, method, path, type, body, status, apiKey);
        }

        Case withMethod(String verb) {
            return new Case(name, verb, path, contentType, body, status, apiKey);
        }

        Case withoutKey() {
            return new Case(name, method, path, contentType, body, status, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case raw(String name, String path, byte[] body, int status) {
        return new Case(name, "POST", path, "application/json", body, status, IngestClient.CRM_KEY);
    }

    private static String report(String fields) {
        return "{\"customerId\":\"c-1\",\"occurredAt\":\"" + NOW + "\",\"feedbackType\":\"NEGATIVE\"" + fields + "}";
    }

    private static String nested(String open, String close, int depth) {
        return open.repeat(depth) + close.repeat(depth);
    }

    static Stream<Arguments> hostileBodies() {
        byte[] utf16 = report("").getBytes(StandardCharsets.UTF_16);
        byte[] utf16le = report("").getBytes(StandardCharsets.UTF_16LE);
        byte[] latin1 = report(",\"text\":\"café\"").getBytes(StandardCharsets.ISO_8859_1);
        byte[] badUtf8 = report(",\"text\":\"\u0001\"").getBytes(StandardCharsets.UTF_8);
        badUtf8[badUtf8.length - 3] = (byte) 0xC3;
        String manyFields = IntStream.range(0, 20_000).mapToObj(i -> "\"f" + i + "\":1").collect(Collectors.joining(",", "{", "}"));
        List<Case> cases = new ArrayList<>(List.of(
                new Case("empty body", "/v1/reports", "", 400),
                new Case("whitespace only", "/v1/reports", "   \n ", 400),
                new Case("lone brace", "/v1/reports", "{", 400),
                new Case("truncated object", "/v1/reports", "{\"customerId\":\"c-1\"", 400),
                new Case("truncated string", "/v1/reports", "{\"customerId\":\"c-", 400),
                new Case("truncated array", "/v1/reports", "[" + report("") + ",", 400),
                new Case("trailing garbage", "/v1/reports", report("") + " x", 400),
                new Case("two objects", "/v1/reports", report("") + report(""), 400),
                new Case("comment", "/v1/reports", "/* hi */" + report(""), 400),
                new Case("single quotes", "/v1/reports", "{'customerId':'c-1'}", 400),
                new Case("unquoted keys", "/v1/reports", "{customerId:\"c-1\"}", 400),
                new Case("trailing comma", "/v1/reports", "{\"customerId\":\"c-1\",}", 400),
                new Case("duplicate keys", "/v1/reports", report(",\"customerId\":\"c-2\""), 400),
                new Case("NaN", "/v1/reports", report(",\"severity\":NaN"), 400),
                new Case("Infinity", "/v1/reports", report(",\"severity\":Infinity"), 400),
                new Case("1000-digit number", "/v1/reports", report(",\"severity\":" + "9".repeat(1000)), 400),
                new Case("deep arrays", "/v1/reports", nested("[", "]", 100_000), 400),
                new Case("deep objects", "/v1/reports", nested("{\"a\":", "}", 10_000).replace("{\"a\":}", "{\"a\":1}"), 400),
                new Case("deep value in a field", "/v1/reports", report(",\"text\":" + nested("[", "]", 40)), 400),
                new Case("raw control character", "/v1/reports", report(",\"text\":\"a\u0001b\""), 400),
                raw("UTF-16 with BOM", "/v1/reports", utf16, 400),
                raw("UTF-16LE without BOM", "/v1/reports", utf16le, 400),
                raw("Latin-1 bytes", "/v1/reports", latin1, 400),
                raw("invalid UTF-8 sequence", "/v1/reports", badUtf8, 400),
                new Case("JSON null", "/v1/reports", "null", 422),
                new Case("JSON true", "/v1/reports", "true", 422),
                new Case("JSON number", "/v1/reports", "42", 422),
                new Case("JSON string", "/v1/reports", "\"report\"", 422),
                new Case("empty object", "/v1/reports", "{}", 422),
                new Case("empty batch", "/v1/reports", "[]", 422),
                new Case("nulls everywhere", "/v1/reports",
                        "{\"eventId\":null,\"customerId\":null,\"occurredAt\":null,\"feedbackType\":null,\"severity\":null,\"text\":null}", 422),
                new Case("batch of nulls", "/v1/reports", "[null,null,null]", 207),
                new Case("batch of scalars", "/v1/reports", "[1,\"two\",[3]]", 207),
                new Case("customerId a number", "/v1/reports", "{\"customerId\":123,\"occurredAt\":\"" + NOW + "\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("customerId blank", "/v1/reports", "{\"customerId\":\"  \",\"occurredAt\":\"" + NOW + "\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("customerId 500k chars", "/v1/reports", "{\"customerId\":\"" + "c".repeat(500_000) + "\",\"occurredAt\":\"" + NOW + "\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("customerId with NUL escape", "/v1/reports", "{\"customerId\":\"c\\u0000\",\"occurredAt\":\"" + NOW + "\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("customerId lone surrogate", "/v1/reports", "{\"customerId\":\"c\\ud800\",\"occurredAt\":\"" + NOW + "\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("eventId 10k chars", "/v1/reports", report(",\"eventId\":\"" + "e".repeat(10_000) + "\""), 422),
                new Case("text over 4000 chars", "/v1/reports", report(",\"text\":\"" + "t".repeat(4001) + "\""), 422),
                new Case("severity a string", "/v1/reports", report(",\"severity\":\"5\""), 422),
                new Case("severity a fraction", "/v1/reports", report(",\"severity\":2.5"), 422),
                new Case("severity 1e400", "/v1/reports", report(",\"severity\":1e400"), 422),
                new Case("severity beyond long", "/v1/reports", report(",\"severity\":99999999999999999999"), 422),
                new Case("severity negative", "/v1/reports", report(",\"severity\":-1"), 422),
                new Case("severity 6", "/v1/reports", report(",\"severity\":6"), 422),
                new Case("feedbackType unknown", "/v1/reports", "{\"customerId\":\"c-1\",\"occurredAt\":\"" + NOW + "\",\"feedbackType\":\"FURIOUS\"}", 422),
                new Case("feedbackType an array", "/v1/reports", "{\"customerId\":\"c-1\",\"occurredAt\":\"" + NOW + "\",\"feedbackType\":[\"NEGATIVE\"]}", 422),
                new Case("occurredAt next year", "/v1/reports", "{\"customerId\":\"c-1\",\"occurredAt\":\"" + Instant.now().plusSeconds(400 * 86400L) + "\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("occurredAt 1970", "/v1/reports", "{\"customerId\":\"c-1\",\"occurredAt\":\"1970-01-01T00:00:00Z\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("occurredAt without offset", "/v1/reports", "{\"customerId\":\"c-1\",\"occurredAt\":\"2026-11-22T10:00:00\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("occurredAt month 13", "/v1/reports", "{\"customerId\":\"c-1\",\"occurredAt\":\"2026-13-45T10:00:00Z\",\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("occurredAt epoch number", "/v1/reports", "{\"customerId\":\"c-1\",\"occurredAt\":1763800000000,\"feedbackType\":\"NEGATIVE\"}", 422),
                new Case("20,000 unknown fields", "/v1/reports", manyFields, 422),
                new Case("100k-char field name", "/v1/reports", "{\"" + "k".repeat(100_000) + "\":1}", 400),
                new Case("complaint with garbage SLA", "/v1/complaints", "{\"customerId\":\"c-1\",\"occurredAt\":\"" + NOW
                        + "\",\"complaintId\":\"k-1\",\"status\":\"OPEN\",\"slaDueAt\":\"tomorrow\"}", 422),
                new Case("complaint with unknown status", "/v1/complaints", "{\"customerId\":\"c-1\",\"occurredAt\":\"" + NOW
                        + "\",\"complaintId\":\"k-1\",\"status\":\"ANGRY\"}", 422),
                new Case("return with zero quantity", "/v1/returns", "{\"customerId\":\"c-1\",\"occurredAt\":\"" + NOW
                        + "\",\"productId\":\"p-1\",\"reason\":\"DEFECTIVE\",\"quantity\":0}", 422),
                new Case("return with negative quantity", "/v1/returns", "{\"customerId\":\"c-1\",\"occurredAt\":\"" + NOW
                        + "\",\"productId\":\"p-1\",\"reason\":\"DEFECTIVE\",\"quantity\":-3}", 422),
                new Case("return without product", "/v1/returns", "{\"customerId\":\"c-1\",\"occurredAt\":\"" + NOW
                        + "\",\"reason\":\"DEFECTIVE\"}", 422),
                new Case("batch over 1000 items", "/v1/reports", "[" + String.join(",", Collections.nCopies(1001, "{}")) + "]", 413),
                new Case("body over 1 MiB", "/v1/reports", report(",\"text\":\"" + "x".repeat(1_100_000) + "\""), 413),
                new Case("text/plain", "/v1/reports", report(""), 415).withContentType("text/plain"),
                new Case("no content type", "/v1/reports", report(""), 415).withContentType(null),
                new Case("XML", "/v1/reports", "<report/>", 415).withContentType("application/xml"),
                new Case("JSON declared UTF-16", "/v1/reports", report(""), 415).withContentType("application/json; charset=utf-16"),
                new Case("NDJSON of garbage lines", "/v1/reports", "{\n]\nnull x\n", 207).withContentType("application/x-ndjson"),
                new Case("NDJSON of blank lines", "/v1/reports", "\n\n  \n", 400).withContentType("application/x-ndjson"),
                new Case("NDJSON line an array", "/v1/reports", "[" + report("") + "]\n", 207).withContentType("application/x-ndjson"),
                new Case("no API key", "/v1/reports", report(""), 401).withoutKey(),
                new Case("unknown route", "/v1/complaint", report(""), 404),
                new Case("path traversal", "/v1/../v1/reports/../../etc/passwd", report(""), 404),
                new Case("wrong method", "/v1/reports", report(""), 405).withMethod("PATCH"),
                new Case("owner with file URL", "/v1/owners/customer/c-1", "{\"ownerId\":\"o\",\"webhookUrl\":\"file:///etc/passwd\"}", 422).withMethod("PUT"),
                new Case("owner as array", "/v1/owners/customer/c-1", "[]", 422).withMethod("PUT"),
                new Case("owner of unknown entity type", "/v1/owners/planet/c-1", "{\"ownerId\":\"o\"}", 422).withMethod("PUT"),
                new Case("owner with 300-char id in path", "/v1/owners/customer/" + "i".repeat(300), "{\"ownerId\":\"o\"}", 422).withMethod("PUT"),
                new Case("owner truncated", "/v1/owners/customer/c-1", "{\"ownerId\":", 400).withMethod("PUT")));
        return cases.stream().map(Arguments::of);
    }

    private static Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(TOPICS).allTopicNames().get().forEach((topic, description) ->
                    description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> offsets.put(tp, info.offset()));
            return offsets;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    void shouldRefuseHostileBodyWithAClearAnswerAndWriteNothing(Case hostile) throws Exception {
        Map<TopicPartition, Long> before = endOffsets();
        IngestClient caller = new IngestClient(service.port(), hostile.apiKey());

        HttpResponse<String> response = caller.send(hostile.method(), hostile.path(), hostile.contentType(), hostile.body());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(hostile.status());
        JsonNode answer = JSON.readTree(response.body());
        if (hostile.status() == 207) {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(answer.path("items")).isNotEmpty().allSatisfy(item -> {
                assertThat(item.path("status").asInt()).isIn(400, 422);
                assertThat(item.path("errors").get(0).path("rule").asText()).isNotBlank();
            });
        } else {
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(answer.path("status").asInt()).isEqualTo(hostile.status());
            assertThat(answer.path("title").asText()).isNotBlank();
            assertThat(response.body()).as("the problem does not echo huge input").hasSizeLessThan(8_000);
            if (hostile.status() == 422) {
                assertThat(answer.path("errors")).isNotEmpty().allSatisfy(error -> {
                    assertThat(error.path("pointer").isTextual()).isTrue();
                    assertThat(error.path("rule").asText()).isNotBlank();
                });
            }
        }
        assertThat(endOffsets()).as("nothing reached Kafka").isEqualTo(before);
        assertThat(caller.send("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(caller.send("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
    }
}
