package dev.forewarn.ingest;

import static dev.forewarn.ingest.IngestClient.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forewarn.events.CustomerReport;
import dev.forewarn.ingest.config.IngestConfig;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.Topics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutdown stops taking writes, answers every request already taken, and flushes them to Kafka. */
class GracefulShutdownIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();

    @Test
    void shouldFinishInFlightRequestsBeforeStopping() throws Exception {
        KAFKA.createCatalogue();
        Map<String, Object> kafka = new HashMap<>(KAFKA.clientProperties());
        kafka.put("linger.ms", 3_000); // keeps the requests in flight long enough to shut down under them
        IngestService service = IngestService.start(IngestConfig.of(KAFKA.schemaRegistryUrl(),
                ApiKeys.parse(IngestClient.KEYS), kafka));
        IngestClient client = new IngestClient(service.port(), IngestClient.CRM_KEY);
        String customer = "C-" + UUID.randomUUID();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return client.post("/v1/reports", report(customer, 3));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> client.send("GET", "/metrics", null, null).body()
                .contains("forewarn_ingest_requests_inflight{service=\"ingest-service\"} 20.0"));

        CompletableFuture<Void> closing = CompletableFuture.runAsync(service::close);
        await().atMost(Duration.ofSeconds(2)).until(() -> client.send("GET", "/health/ready", null, null).statusCode() == 503);
        HttpResponse<String> late = client.post("/v1/reports", report(customer, 3));
        closing.get(30, TimeUnit.SECONDS);

        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(late.headers().firstValue("Retry-After")).isPresent();
        assertThat(inFlight).allSatisfy(request -> assertThat(request.get(1, TimeUnit.SECONDS).statusCode()).isEqualTo(202));
        assertThat(Topics.readToEnd(KAFKA, "customer.reports", Topics.avro(KAFKA, CustomerReport.class)))
                .filteredOn(r -> r.key().equals(customer)).hasSize(20);
    }
}
