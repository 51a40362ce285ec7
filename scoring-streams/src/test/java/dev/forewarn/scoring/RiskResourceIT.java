package dev.forewarn.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.topics.TopicCatalogue;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** Interactive queries with two instances: every key is answered by either, through its owner. */
class RiskResourceIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> get(ScoringService service, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerEveryKeyFromEitherInstance() throws Exception {
        ScoringDrill.createTopics();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> customers = new ArrayList<>();
        AvroSerdeConfig serde = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
        try (var producer = new KafkaProducer<>(KAFKA.clientProperties(), new StringSerializer(),
                new AvroSerializer<CustomerReport>(SchemaRegistryClient.http(serde.registry()), serde, false))) {
            for (int i = 0; i < 12; i++) {
                String customer = "Q" + run + "-" + i;
                customers.add(customer);
                producer.send(new ProducerRecord<>(TopicCatalogue.REPORTS.name(), customer, CustomerReport.newBuilder()
                        .setEventId(UUID.randomUUID().toString()).setCustomerId(customer).setOccurredAt(Instant.now())
                        .setSource("crm").setFeedbackType(FeedbackType.NEGATIVE).setSeverity(1 + i % 5).build())).get();
            }
        }
        String applicationId = "scoring-queries-" + run;
        try (ScoringService first = ScoringService.start(ScoringConfig.of(applicationId, KAFKA.schemaRegistryUrl(),
                     Path.of("target", "queries-state", run, "a"), KAFKA.clientProperties()));
             ScoringService second = ScoringService.start(ScoringConfig.of(applicationId, KAFKA.schemaRegistryUrl(),
                     Path.of("target", "queries-state", run, "b"), KAFKA.clientProperties()))) {
            String last = "/v1/risk/customers/" + customers.get(customers.size() - 1);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    first.streams().state() == KafkaStreams.State.RUNNING && second.streams().state() == KafkaStreams.State.RUNNING
                            && get(first, last).statusCode() == 200 && get(second, last).statusCode() == 200
                            && customers.stream().allMatch(c -> {
                                try {
                                    return get(first, "/v1/risk/customers/" + c).statusCode() == 200;
                                } catch (Exception e) {
                                    return false;
                                }
                            }));
            assertThat(first.streams().metadataForAllStreamsClients()).as("both instances share the work").hasSize(2);

            for (String customer : customers) {
                HttpResponse<String> a = get(first, "/v1/risk/customers/" + customer);
                HttpResponse<String> b = get(second, "/v1/risk/customers/" + customer);
                assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
                assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
                JsonNode viewA = JSON.readTree(a.body());
                assertThat(viewA.path("entityId").asText()).isEqualTo(customer);
                assertThat(viewA.path("counts").path("negativeReports").asInt()).isEqualTo(1);
                assertThat(JSON.readTree(b.body()).path("pressure").asDouble())
                        .isCloseTo(viewA.path("pressure").asDouble(), org.assertj.core.data.Offset.offset(1e-3));
            }
            HttpResponse<String> unknown = get(second, "/v1/risk/customers/nobody-" + run);
            // the top list gathers both instances; who is in it follows at each score pass (1 s)
            JsonNode[] latest = new JsonNode[1];
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                latest[0] = JSON.readTree(get(first, "/v1/risk/top?entityType=CUSTOMER&limit=1000").body()).path("items");
                List<String> listed = new ArrayList<>();
                latest[0].forEach(item -> listed.add(item.path("entityId").asText()));
                return listed.containsAll(customers);
            });
            JsonNode top = latest[0];
            HttpResponse<String> badTop = get(first, "/v1/risk/top?entityType=PLANET");
            HttpResponse<String> openapi = get(first, "/openapi.json");

            assertThat(unknown.statusCode()).isEqualTo(404);
            for (int i = 1; i < top.size(); i++) {
                assertThat(top.get(i).path("score").asDouble()).isLessThanOrEqualTo(top.get(i - 1).path("score").asDouble());
            }
            JsonNode topTwo = JSON.readTree(get(first, "/v1/risk/top?entityType=CUSTOMER&limit=2").body()).path("items");
            assertThat(topTwo).as("a short list is the head of the long one (each instance cuts by rank before explaining)").hasSize(2);
            assertThat(topTwo.get(0).path("score").asDouble()).isCloseTo(top.get(0).path("score").asDouble(), org.assertj.core.data.Offset.offset(0.01));
            assertThat(topTwo.get(1).path("score").asDouble()).isCloseTo(top.get(1).path("score").asDouble(), org.assertj.core.data.Offset.offset(0.01));
            assertThat(badTop.statusCode()).isEqualTo(400);
            assertThat(get(first, "/v1/risk/top").statusCode()).as("no parameters: the defaults").isEqualTo(200);
            assertThat(get(first, "/v1/risk/top?entityType=CUSTOMER").statusCode()).as("the URL the local stack prints").isEqualTo(200);
            assertThat(JSON.readTree(get(first, "/v1/risk/top?limit=abc").body()).at("/errors/0/pointer").asText()).isEqualTo("/limit");
            dev.forewarn.testsupport.RouteProbe probe = new dev.forewarn.testsupport.RouteProbe("http://127.0.0.1:" + first.port(), Map.of());
            assertThat(probe.probe()).as("answers that were 5xx").isEmpty();
            assertThat(probe.calls()).isGreaterThan(30);
            try (InputStream in = ScoringService.class.getResourceAsStream("/openapi/scoring-streams.json")) {
                assertThat(JSON.readTree(openapi.body())).isEqualTo(JSON.readTree(in));
            }
        }
    }
}
