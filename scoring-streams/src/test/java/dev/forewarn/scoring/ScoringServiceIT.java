package dev.forewarn.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.RiskScore;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.Topics;
import dev.forewarn.topics.TopicCatalogue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The service on the real broker: scores, the DLQ, readiness and metrics. */
class ScoringServiceIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void shouldScoreOnTheRealBrokerAndReportItsHealthAndMetrics() throws Exception {
        ScoringDrill.createTopics();
        String customer = "S-" + UUID.randomUUID();
        AvroSerdeConfig serde = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        try (var producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroSerializer<CustomerReport>(SchemaRegistryClient.http(serde.registry()), serde, false));
             var raw = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TopicCatalogue.REPORTS.name(), customer, CustomerReport.newBuilder()
                    .setEventId(UUID.randomUUID().toString()).setCustomerId(customer).setOccurredAt(Instant.now())
                    .setSource("crm").setFeedbackType(FeedbackType.NEGATIVE).setSeverity(4).build())).get();
            raw.send(new ProducerRecord<>(TopicCatalogue.REPORTS.name(), customer, new byte[]{1, 2, 3})).get();
        }
        ScoringConfig config = ScoringConfig.of("scoring-it-" + UUID.randomUUID(), KAFKA.schemaRegistryUrl(),
                Path.of("target", "service-it-state", UUID.randomUUID().toString()), KAFKA.clientProperties());

        try (ScoringService service = ScoringService.start(config)) {
            Map<String, Object> committed = new HashMap<>(KAFKA.clientProperties());
            committed.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            await().atMost(Duration.ofSeconds(60)).until(() -> Topics.readToEnd(committed, TopicCatalogue.SCORES.name(),
                    Topics.avro(KAFKA, RiskScore.class)).stream().anyMatch(r -> r.key().equals("CUSTOMER:" + customer)));
            await().atMost(Duration.ofSeconds(30)).until(() -> HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.port() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            // The DLQ series exists at 0 from the start; the bad record must count.
            String dlqSeries = "forewarn_scoring_dlq_total{reason=\"deserialization\",service=\"scoring-streams\",topic=\"customer.reports\"} ";
            await().atMost(Duration.ofSeconds(30)).until(() -> get(service.port(), "/metrics").lines()
                    .filter(l -> l.startsWith(dlqSeries)).anyMatch(l -> Double.parseDouble(l.substring(dlqSeries.length())) >= 1));
            String metrics = get(service.port(), "/metrics");

            assertThat(metrics)
                    .contains("forewarn_scoring_signals_total{entity=\"CUSTOMER\",kind=\"REPORT\",service=\"scoring-streams\"}")
                    .contains("forewarn_scoring_score_bucket")
                    .contains("forewarn_scoring_event_lag_seconds_bucket")
                    .contains("kafka_stream_");
        }
    }
}
