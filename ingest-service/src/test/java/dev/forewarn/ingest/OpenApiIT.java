package dev.forewarn.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.events.Complaint;
import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document in the repo is what the service serves and what it does. */
class OpenApiIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Schema> AVRO = Map.of("CustomerReport", CustomerReport.getClassSchema(),
            "Complaint", Complaint.getClassSchema(), "ProductReturn", ProductReturn.getClassSchema());
    private static IngestService service;
    private static IngestClient client;
    private static JsonNode document;

    @BeforeAll
    static void start() throws Exception {
        KAFKA.createCatalogue();
        service = IngestService.start(IngestConfig.of(KAFKA.schemaRegistryUrl(), ApiKeys.parse(IngestClient.KEYS),
                KAFKA.clientProperties()));
        client = new IngestClient(service.port(), IngestClient.CRM_KEY);
        try (InputStream in = OpenApiIT.class.getResourceAsStream("/openapi/ingest-service.json")) {
            document = JSON.readTree(in);
        }
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static String concrete(String path) {
        return path.replace("{entityType}", "customer").replace("{entityId}", "C-openapi");
    }

    /** The example with its timestamps moved to now, so the document's examples never go stale. */
    private static ObjectNode example(String schema) {
        ObjectNode example = document.at("/components/schemas/" + schema + "/example").deepCopy();
        if (example.has("occurredAt")) {
            example.put("occurredAt", Instant.now().minusSeconds(60).toString());
        }
        if (example.has("slaDueAt")) {
            example.put("slaDueAt", Instant.now().plusSeconds(86_400).toString());
        }
        return example;
    }

    @Test
    void shouldServeTheDocumentKeptInTheRepository() throws Exception {
        HttpResponse<String> served = client.send("GET", "/openapi.json", null, null);

        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(served.body())).isEqualTo(document);
        assertThat(document.path("openapi").asText()).startsWith("3.1");
    }

    @Test
    void shouldHaveARouteForEveryDocumentedOperation() throws Exception {
        List<String> missing = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (operation.getKey().equals("parameters")) {
                return;
            }
            String method = operation.getKey().toUpperCase();
            try {
                int status = client.send(method, concrete(path.getKey()), "application/json",
                        method.equals("DELETE") || method.equals("GET") ? null : "{}".getBytes()).statusCode();
                if (status == 404 || status == 405) {
                    missing.add(method + " " + path.getKey() + " -> " + status);
                }
            } catch (Exception e) {
                missing.add(method + " " + path.getKey() + " -> " + e);
            }
        }));

        assertThat(missing).isEmpty();
    }

    @Test
    void shouldAcceptEveryDocumentedExample() throws Exception {
        Map<String, String> routes = Map.of("CustomerReport", "/v1/reports", "Complaint", "/v1/complaints",
                "ProductReturn", "/v1/returns");
        for (var route : routes.entrySet()) {
            HttpResponse<String> response = client.post(route.getValue(), example(route.getKey()).toString());
            assertThat(response.statusCode()).as(route + ": " + response.body()).isEqualTo(202);
        }
        HttpResponse<String> owner = client.send("PUT", "/v1/owners/customer/C-openapi", "application/json",
                example("Owner").toString().getBytes());
        assertThat(owner.statusCode()).as(owner.body()).isEqualTo(202);
    }

    @Test
    void shouldDocumentExactlyTheAvroFieldsAndTheRequiredOnesTheServiceEnforces() throws Exception {
        for (var avro : AVRO.entrySet()) {
            JsonNode schema = document.at("/components/schemas/" + avro.getKey());
            Set<String> documented = new TreeSet<>();
            schema.path("properties").fieldNames().forEachRemaining(documented::add);
            Set<String> fields = avro.getValue().getFields().stream().map(Schema.Field::name)
                    .filter(name -> !name.equals("source")).collect(Collectors.toCollection(TreeSet::new));
            assertThat(documented).as(avro.getKey()).isEqualTo(fields);

            String route = Map.of("CustomerReport", "/v1/reports", "Complaint", "/v1/complaints",
                    "ProductReturn", "/v1/returns").get(avro.getKey());
            for (JsonNode required : schema.path("required")) {
                ObjectNode without = example(avro.getKey());
                without.remove(required.asText());
                JsonNode problem = JSON.readTree(client.post(route, without.toString()).body());
                assertThat(problem.path("errors")).as(avro.getKey() + " without " + required)
                        .anySatisfy(error -> {
                            assertThat(error.path("pointer").asText()).isEqualTo("/" + required.asText());
                            assertThat(error.path("rule").asText()).isEqualTo("required");
                        });
            }
        }
    }

    @Test
    void shouldDocumentTheAvroEnumSymbols() {
        Map<String, Class<? extends Enum<?>>> enums = Map.of("KanoCategory", KanoCategory.class, "FeedbackType",
                FeedbackType.class, "ComplaintStatus", ComplaintStatus.class, "ReturnReason", ReturnReason.class);
        enums.forEach((name, type) -> {
            List<String> documented = new ArrayList<>();
            document.at("/components/schemas/" + name + "/enum").forEach(v -> documented.add(v.asText()));
            assertThat(documented).as(name).containsExactlyElementsOf(
                    Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
        });
    }

    @Test
    void shouldAnswerEveryDocumentedRouteWithoutParametersOrWithGarbageWithoutA5xx() throws Exception {
        dev.forewarn.testsupport.RouteProbe probe = new dev.forewarn.testsupport.RouteProbe("http://127.0.0.1:" + service.port(),
                Map.of("Authorization", "Bearer " + IngestClient.CRM_KEY));
        assertThat(probe.probe()).as("answers that were 5xx").isEmpty();
        assertThat(probe.calls()).isGreaterThan(50);
    }
}
