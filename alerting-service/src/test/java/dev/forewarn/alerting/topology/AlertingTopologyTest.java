package dev.forewarn.alerting.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.alerting.AlertingService;
import dev.forewarn.alerting.config.AlertingConfig;
import dev.forewarn.alerting.delivery.DestinationGuard;
import dev.forewarn.alerting.delivery.WebhookSecrets;
import dev.forewarn.alerting.metrics.AlertingMetrics;
import dev.forewarn.alerting.route.DefaultRoute;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.testsupport.InMemorySchemaRegistryClient;
import dev.forewarn.testsupport.TestRecords;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production alerting topology and Streams configuration in {@link TopologyTestDriver}, without a
 * broker or a registry: the serdes write the Confluent wire format through an in-memory registry.
 */
class AlertingTopologyTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, OwnerAssignment> owners;
    private TestInputTopic<String, RiskTransition> transitions;
    private TestOutputTopic<String, AlertNotification> outbox;
    private TestOutputTopic<String, Alert> state;

    @BeforeEach
    void start() {
        AvroSchemas.trustGeneratedClasses();
        AlertingConfig config = AlertingConfig.of("alerting-ttd-" + UUID.randomUUID(), InMemorySchemaRegistryClient.URL,
                Path.of("target", "alerting-ttd", UUID.randomUUID().toString()), Map.of("bootstrap.servers", "unused:9092"),
                DefaultRoute.webhook("quality-team", "https://hooks.example.com/quality"), DestinationGuard.strict(),
                WebhookSecrets.of(WebhookSecrets.generate()));
        TopicSerdes serdes = new InMemorySchemaRegistryClient().serdes();
        driver = new TopologyTestDriver(AlertingTopology.build(config, new AlertingMetrics(meters), serdes),
                AlertingService.streamsProperties(config), T0);
        owners = driver.createInputTopic(TopicCatalogue.OWNERS.name(), new StringSerializer(),
                serdes.value(TopicCatalogue.OWNERS).serializer());
        transitions = driver.createInputTopic(TopicCatalogue.TRANSITIONS.name(), new StringSerializer(),
                serdes.value(TopicCatalogue.TRANSITIONS).serializer());
        outbox = driver.createOutputTopic(TopicCatalogue.OUTBOX.name(), new StringDeserializer(),
                serdes.value(TopicCatalogue.OUTBOX).deserializer());
        state = driver.createOutputTopic(TopicCatalogue.ALERT_STATE.name(), new StringDeserializer(),
                serdes.value(TopicCatalogue.ALERT_STATE).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void escalate(String customer, RiskLevel to, Instant at) {
        transitions.pipeInput("CUSTOMER:" + customer, TestRecords.riskTransition().setEntityId(customer)
                .setKind(TransitionKind.ESCALATED).setToLevel(to).setScore(to == RiskLevel.CRITICAL ? 85 : 65)
                .setSignalOccurredAt(at).setOccurredAt(at).build(), at);
    }

    @Test
    void shouldNotifyTheCustomersOwnerWhenItsRiskEscalates() {
        owners.pipeInput("CUSTOMER:C-1", TestRecords.owner().setEntityId("C-1").setOwnerId("am-anna").build(), T0);

        escalate("C-1", RiskLevel.WARNING, T0);

        AlertNotification firing = outbox.readValue();
        assertThat(firing.getKind()).isEqualTo(NotificationKind.FIRING);
        assertThat(firing.getAlertId()).isEqualTo("CUSTOMER:C-1");
        assertThat(firing.getLevel()).isEqualTo(RiskLevel.WARNING);
        assertThat(firing.getOwnerId()).isEqualTo("am-anna");
        assertThat(firing.getDestinations()).extracting(d -> d.getAddress()).contains("https://hooks.example.com/anna");
        Map<String, Alert> alerts = state.readKeyValuesToMap();
        assertThat(alerts.get("CUSTOMER:C-1").getOwnerId()).isEqualTo("am-anna");
        assertThat(alerts.get("CUSTOMER:C-1").getLevel()).isEqualTo(RiskLevel.WARNING);
    }

    @Test
    void shouldSendAnUnownedCustomerToTheDefaultRouteAndItsContactWhenNobodyAcknowledges() {
        escalate("C-2", RiskLevel.CRITICAL, T0);

        AlertNotification firing = outbox.readValue();
        assertThat(firing.getOwnerId()).isEqualTo("quality-team");
        assertThat(firing.getDestinations()).extracting(d -> d.getAddress()).containsExactly("https://hooks.example.com/quality");

        // The ack timeout (30 min by default) passes on the wall clock: the alert goes to its escalation contact.
        driver.advanceWallClockTime(Duration.ofMinutes(31));
        assertThat(outbox.readValuesToList()).extracting(AlertNotification::getKind).contains(NotificationKind.ESCALATION_CONTACT);
    }

    @Test
    void shouldMeasureThePipelineFromWhenIngestTookTheSignal() {
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(dev.forewarn.topics.TopicCatalogue.INGESTED_AT_HEADER, Long.toString(T0.toEpochMilli() - 2_000)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        transitions.pipeInput(new org.apache.kafka.streams.test.TestRecord<>("CUSTOMER:C-3", TestRecords.riskTransition().setEntityId("C-3")
                .setKind(TransitionKind.ESCALATED).setToLevel(RiskLevel.WARNING).setScore(65).setSignalOccurredAt(T0.minus(Duration.ofDays(200)))
                .setOccurredAt(T0).build(), headers, T0));

        io.micrometer.core.instrument.Timer firing = meters.get("forewarn.alerting.pipeline.latency").tag("kind", "FIRING").timer();
        assertThat(firing.count()).isEqualTo(1);
        assertThat(firing.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).as("from ingest, not from the event 200 days ago")
                .isEqualTo(2_000);
    }
}
