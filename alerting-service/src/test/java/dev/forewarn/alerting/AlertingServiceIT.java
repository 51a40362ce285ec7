package dev.forewarn.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.forewarn.alerting.api.SilenceResource;
import dev.forewarn.alerting.config.AlertingConfig;
import dev.forewarn.alerting.delivery.DeliveryConfig;
import dev.forewarn.alerting.delivery.DestinationGuard;
import dev.forewarn.alerting.delivery.WebhookSecrets;
import dev.forewarn.alerting.lifecycle.AlertLifecycle;
import dev.forewarn.alerting.lifecycle.Grouping;
import dev.forewarn.alerting.route.DefaultRoute;
import dev.forewarn.events.Contribution;
import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.SignalKind;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.AvroSerializer;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.testsupport.TestRecords;
import dev.forewarn.testsupport.Topics;
import dev.forewarn.topics.TopicCatalogue;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * alerting-service on the real broker, with a real signature-verifying webhook receiver and a real
 * SMTP server (GreenMail). Lifecycle timings are shortened (ack timeout 2 s, repeat 4 s, flap
 * window 1 s); every test uses entities of its own.
 */
public class AlertingServiceIT {

    static final String SECRET = WebhookSecrets.generate();
    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "it-operator-token-0123456789";

    private static WebhookReceiver receiver;
    private static GreenMail smtp;
    private static AlertingService service;
    private static KafkaProducer<String, SpecificRecord> producer;

    /** Creates the topics the service needs, as the local stack's topic init does. */
    public static void createTopics(Map<String, Object> props) {
        Topics.createCatalogue(props);
    }

    @BeforeAll
    static void start() throws Exception {
        createTopics(KAFKA.clientProperties());
        receiver = new WebhookReceiver(SECRET);
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        AlertingConfig config = AlertingConfig.of("alerting-it-" + UUID.randomUUID(), KAFKA.schemaRegistryUrl(),
                        Path.of("target", "alerting-it-state", UUID.randomUUID().toString()), KAFKA.clientProperties(),
                        DefaultRoute.webhook("quality-team", receiver.url("/hook/quality-team")),
                        DestinationGuard.allowing("127.0.0.1"), WebhookSecrets.of(SECRET))
                .with(new AlertLifecycle.Config(Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(1), 0.5,
                                Duration.ofDays(7), 50),
                        // The outbox is shared with the other test classes' services: their notifications to receivers long
                        // gone give up after 20 s here, and share the 127.0.0.1 rate limit with this class's receiver.
                        DeliveryConfig.defaults().withRetries(4, Duration.ofMillis(100), Duration.ofMillis(400))
                                .withRetryHorizon(Duration.ofSeconds(20)).withRatePerDestination(500)
                                .withSmtp("127.0.0.1", smtp.getSmtp().getPort()))
                .withApiKeys(ApiKeys.parse("operator:" + TOKEN))
                .withGrouping(new Grouping.Config(Duration.ofSeconds(1), false))
                // Expired silences are deleted at once here (production keeps them listed 7 days, purges hourly).
                .withSilences(new SilenceResource.Limits(Duration.ofDays(90), 1000, Duration.ZERO, Duration.ofMillis(500)));
        service = AlertingService.start(config);
        AvroSerdeConfig serde = AvroSerdeConfig.of(KAFKA.schemaRegistryUrl());
        @SuppressWarnings({"unchecked", "rawtypes"})
        AvroSerializer<SpecificRecord> values = new AvroSerializer(SchemaRegistryClient.http(serde.registry()), serde, false);
        producer = new KafkaProducer<>(new HashMap<>(KAFKA.clientProperties()), new StringSerializer(), values);
        await().atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/health/ready", null, true).statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            // What the end-to-end delay histogram saw over the whole class, for the note.
            org.slf4j.LoggerFactory.getLogger(AlertingServiceIT.class).info("end-to-end delay histogram:\n{}",
                    call("GET", "/metrics", null, false).body().lines()
                            .filter(l -> l.startsWith("forewarn_alerting_end_to_end_delay_seconds") && l.contains("kind=\"FIRING\""))
                            .filter(l -> !l.contains("_bucket") || !l.endsWith(" 0.0"))
                            .collect(java.util.stream.Collectors.joining("\n")));
        }
        if (producer != null) {
            producer.close();
        }
        if (service != null) {
            service.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void owner(EntityType type, String id, OwnerAssignment.Builder owner) throws Exception {
        producer.send(new ProducerRecord<>(TopicCatalogue.OWNERS.name(), type + ":" + id,
                owner.setEntityType(type).setEntityId(id).build())).get();
    }

    private static void transition(EntityType type, String id, TransitionKind kind, RiskLevel to, Contribution... reasons) throws Exception {
        RiskTransition.Builder t = TestRecords.riskTransition().setEntityType(type).setEntityId(id).setKind(kind).setToLevel(to)
                .setScore(to == RiskLevel.CRITICAL ? 85 : to == RiskLevel.WARNING ? 65 : 30)
                .setSignalOccurredAt(Instant.now().minusMillis(50)).setOccurredAt(Instant.now());
        if (reasons.length > 0) {
            t.setTopContributors(Arrays.asList(reasons));
        }
        producer.send(new ProducerRecord<>(TopicCatalogue.TRANSITIONS.name(), type + ":" + id, t.build())).get();
    }

    /** A product with an owner and a CRITICAL alert; returns a reason about it for customer transitions. */
    private static Contribution criticalProduct(String product) throws Exception {
        owner(EntityType.PRODUCT, product, TestRecords.owner().setOwnerId("pq-" + product).setEmail(null)
                .setWebhookUrl(receiver.url("/hook/" + product)));
        transition(EntityType.PRODUCT, product, TransitionKind.ESCALATED, RiskLevel.CRITICAL);
        await().atMost(Duration.ofSeconds(30)).until(() -> alert("PRODUCT:" + product) != null);
        return Contribution.newBuilder(TestRecords.contribution()).setProductId(product).setKind(SignalKind.RETURN).build();
    }

    static HttpResponse<String> call(String method, String path, String body, boolean authorized) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorized) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<NotificationRecord> audit(String alertId) {
        Map<String, Object> props = new HashMap<>(KAFKA.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return Topics.readToEnd(props, TopicCatalogue.NOTIFICATIONS.name(), Topics.avro(KAFKA, NotificationRecord.class)).stream()
                .map(r -> r.value()).filter(r -> r.getAlertId().equals(alertId)).toList();
    }

    private static JsonNode alert(String alertId) throws Exception {
        HttpResponse<String> response = call("GET", "/v1/alerts/" + alertId, null, true);
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    @Test
    void shouldSendASignedWebhookAndAnEmailToTheOwnerRetryingAfterA500() throws Exception {
        String customer = unique("C");
        String alertId = "CUSTOMER:" + customer;
        String hook = "/hook/" + customer;
        receiver.answer(hook, 500);
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer)
                .setWebhookUrl(receiver.url(hook)).setEmail(customer.toLowerCase() + "@example.com")
                .setSlackWebhookUrl(receiver.url("/slack/" + customer)));

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at(hook).size() >= 2);
        List<WebhookReceiver.Received> requests = receiver.at(hook);
        assertThat(requests).allMatch(WebhookReceiver.Received::signatureValid);
        assertThat(requests).extracting(WebhookReceiver.Received::id).containsOnly(requests.get(0).id());
        JsonNode body = requests.get(1).body();
        assertThat(body.path("type").asText()).isEqualTo("alert.firing");
        assertThat(body.path("alert").path("level").asText()).isEqualTo("WARNING");
        assertThat(body.path("owner").path("id").asText()).isEqualTo("am-" + customer);
        assertThat(body.path("topReasons")).isNotEmpty();
        assertThat(body.path("links").path("alert").asText()).endsWith("/v1/alerts/" + alertId);

        await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(smtp.getReceivedMessages())
                .anyMatch(m -> subject(m).contains(customer)));
        MimeMessage mail = Arrays.stream(smtp.getReceivedMessages()).filter(m -> subject(m).contains(customer)).findFirst().orElseThrow();
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(customer.toLowerCase() + "@example.com");
        assertThat(mail.getHeader("Message-ID")[0]).isEqualTo("<" + requests.get(0).id() + "@forewarn>");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");

        await().atMost(Duration.ofSeconds(30)).until(() -> audit(alertId).stream()
                .anyMatch(r -> r.getOutcome() == DeliveryOutcome.DELIVERED && r.getChannel().name().equals("WEBHOOK")));
        List<NotificationRecord> audit = audit(alertId);
        assertThat(audit).anyMatch(r -> r.getOutcome() == DeliveryOutcome.RETRYING && Integer.valueOf(500).equals(r.getHttpStatus())
                && r.getAttempt() == 1);
        assertThat(audit).anyMatch(r -> r.getOutcome() == DeliveryOutcome.DELIVERED && r.getAttempt() == 2
                && r.getNotificationId().equals(requests.get(0).id()));
        assertThat(audit).anyMatch(r -> r.getOutcome() == DeliveryOutcome.DELIVERED && r.getChannel().name().equals("EMAIL"));

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/slack/" + customer).size() == 1);
        JsonNode slack = receiver.at("/slack/" + customer).get(0).body();
        assertThat(slack.path("text").asText()).contains(customer);
        assertThat(slack.path("blocks")).extracting(b -> b.path("type").asText()).contains("header", "section", "actions");
        assertThat(receiver.at("/slack/" + customer).get(0).signature()).as("Slack webhooks are not signed").isNull();
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void shouldEscalateAnUnacknowledgedCriticalAlertToTheContactAndStopRepeatingOnceAcknowledged() throws Exception {
        String customer = unique("C");
        String alertId = "CUSTOMER:" + customer;
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url("/hook/" + customer)).setEscalationContact("lead-" + customer)
                .setEscalationEmail(null).setEscalationWebhookUrl(receiver.url("/hook/lead-" + customer)));

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.CRITICAL);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/lead-" + customer).size() == 1);
        assertThat(receiver.at("/hook/lead-" + customer).get(0).body().path("type").asText()).isEqualTo("alert.escalation_contact");
        assertThat(receiver.at("/hook/" + customer)).extracting(r -> r.body().path("type").asText()).first().isEqualTo("alert.firing");

        // The alert repeats every 4 s while unacknowledged ...
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/" + customer).stream()
                .anyMatch(r -> r.body().path("type").asText().equals("alert.repeat")));
        await().atMost(Duration.ofSeconds(30)).until(() -> alert(alertId) != null);
        HttpResponse<String> ack = call("POST", "/v1/alerts/" + alertId + "/ack", "{\"comment\":\"calling the customer\"}", true);
        assertThat(ack.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> "ACKNOWLEDGED".equals(alert(alertId).path("state").asText()));
        int afterAck = receiver.at("/hook/" + customer).size();

        // ... and stops once acknowledged: two more repeat intervals pass without a notification.
        await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(15))
                .until(() -> receiver.at("/hook/" + customer).size() == afterAck);
        JsonNode acked = alert(alertId);
        assertThat(acked.path("acknowledgedBy").asText()).isEqualTo("operator");
        assertThat(acked.path("history").toString()).contains("acknowledged", "calling the customer", "escalated-to-contact");
    }

    @Test
    void shouldDeliverOneAlertsNotificationsInTheOrderTheyWereDecidedToASlowAndErraticReceiver() throws Exception {
        String customer = unique("C");
        String hook = "/hook/" + customer;
        receiver.jitter(hook, Duration.ofMillis(300));
        receiver.answer(hook, 500, 200, 503); // the FIRING needs a retry; without ordering the ESCALATED overtakes it
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url(hook)));

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING);
        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.CRITICAL);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at(hook).stream()
                .anyMatch(r -> r.body().path("type").asText().equals("alert.escalated")));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at(hook).stream()
                .anyMatch(r -> r.body().path("type").asText().equals("alert.escalation_contact") || r.body().path("sequence").asInt() >= 3));
        List<Integer> sequences = receiver.at(hook).stream().map(r -> r.body().path("sequence").asInt()).toList();
        assertThat(sequences).as("sequence numbers in arrival order (retries repeat one)").isSorted().startsWith(1, 1);
        assertThat(receiver.at(hook)).allMatch(WebhookReceiver.Received::signatureValid);
        assertThat(receiver.at(hook).stream().filter(r -> r.body().path("sequence").asInt() == 2).findFirst().orElseThrow()
                .body().path("type").asText()).isEqualTo("alert.escalated");
    }

    @Test
    void shouldHoldEverythingAboutASilencedOwnersAlertAndStartTheAckTimeoutOnlyWhenTheOwnerIsTold() throws Exception {
        String customer = unique("C");
        String alertId = "CUSTOMER:" + customer;
        String owner = "am-" + customer;
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId(owner).setEmail(null)
                .setWebhookUrl(receiver.url("/hook/" + customer)).setEscalationContact("lead-" + customer)
                .setEscalationEmail(null).setEscalationWebhookUrl(receiver.url("/hook/lead-" + customer)));
        HttpResponse<String> created = call("POST", "/v1/silences", "{\"matchers\":{\"ownerId\":\"" + owner
                + "\"},\"endsAt\":\"" + Instant.now().plusSeconds(600) + "\",\"comment\":\"on leave\"}", true);
        assertThat(created.statusCode()).isEqualTo(201);
        String silenceId = JSON.readTree(created.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/v1/silences", null, true).body().contains(silenceId));

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.CRITICAL);

        // Held for longer than the 2 s ack timeout: neither the owner nor the contact hears anything ...
        await().atMost(Duration.ofSeconds(30)).until(() -> alert(alertId) != null && silenceId.equals(alert(alertId).path("silencedBy").asText()));
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                .until(() -> receiver.at("/hook/" + customer).isEmpty() && receiver.at("/hook/lead-" + customer).isEmpty());
        assertThat(alert(alertId).path("ownerId").asText()).as("the alert's owner while its FIRING is held").isEqualTo(owner);

        // ... and once the silence is gone the owner is told first; the contact only an ack timeout after that.
        assertThat(call("DELETE", "/v1/silences/" + silenceId, null, true).statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/lead-" + customer).size() == 1);
        Instant told = receiver.at("/hook/" + customer).get(0).receivedAt();
        assertThat(receiver.at("/hook/" + customer).get(0).body().path("type").asText()).isEqualTo("alert.firing");
        assertThat(Duration.between(told, receiver.at("/hook/lead-" + customer).get(0).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(alert(alertId).path("ownerId").asText()).as("still the owner after the contact was paged").isEqualTo(owner);
    }

    @Test
    void shouldHoldASilencedAlertAndSendItWhenTheSilenceExpires() throws Exception {
        String customer = unique("C");
        String alertId = "CUSTOMER:" + customer;
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url("/hook/" + customer)));
        Instant ends = Instant.now().plusSeconds(6);
        HttpResponse<String> created = call("POST", "/v1/silences", "{\"matchers\":{\"entityId\":\"" + customer
                + "\"},\"endsAt\":\"" + ends + "\",\"comment\":\"maintenance\"}", true);
        assertThat(created.statusCode()).isEqualTo(201);
        String silenceId = JSON.readTree(created.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/v1/silences", null, true).body().contains(silenceId));

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING);

        await().atMost(Duration.ofSeconds(30)).until(() -> audit(alertId).stream().anyMatch(r -> r.getOutcome() == DeliveryOutcome.SILENCED));
        assertThat(receiver.at("/hook/" + customer)).isEmpty();
        assertThat(alert(alertId).path("silencedBy").asText()).isEqualTo(silenceId);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/" + customer).size() == 1);
        assertThat(Instant.now()).isAfterOrEqualTo(ends);
        assertThat(receiver.at("/hook/" + customer).get(0).body().path("type").asText()).isEqualTo("alert.firing");
    }

    @Test
    void shouldRecordARefusedPrivateAddressAsAFailedDeliveryWithoutCallingIt() throws Exception {
        String customer = unique("C");
        String alertId = "CUSTOMER:" + customer;
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null)
                .setWebhookUrl("http://169.254.169.254/latest/meta-data/").setSlackWebhookUrl("http://127.0.0.2:9/slack"));

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING);

        await().atMost(Duration.ofSeconds(30)).until(() -> audit(alertId).stream().filter(r -> r.getOutcome() == DeliveryOutcome.FAILED).count() == 2);
        assertThat(audit(alertId)).filteredOn(r -> r.getOutcome() == DeliveryOutcome.FAILED)
                .allMatch(r -> r.getError().contains("refused") && r.getAttempt() == 1)
                .extracting(r -> r.getDestination()).as("audited as scheme and host: a webhook's path can be its secret")
                .containsExactlyInAnyOrder("http://169.254.169.254", "http://127.0.0.2:9");
        assertThat(audit(alertId)).noneMatch(r -> r.getOutcome() == DeliveryOutcome.RETRYING);
    }

    @Test
    void shouldSendTheNextNotificationToTheNewOwnerAfterAnOwnerChange() throws Exception {
        String customer = unique("C");
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("old-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url("/hook/old-" + customer)));
        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/old-" + customer).size() == 1);

        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("new-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url("/hook/new-" + customer)));
        // The owners view is a global store with no API to observe it: give its thread a moment to apply the change.
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.CRITICAL);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/new-" + customer).size() >= 1);
        JsonNode escalated = receiver.at("/hook/new-" + customer).get(0).body();
        assertThat(escalated.path("type").asText()).isEqualTo("alert.escalated");
        assertThat(escalated.path("owner").path("id").asText()).isEqualTo("new-" + customer);
    }

    @Test
    void shouldSendOneFiringAndOneResolvedForFlappingLevels() throws Exception {
        String customer = unique("C");
        String hook = "/hook/" + customer;
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null).setWebhookUrl(receiver.url(hook)));

        for (int i = 0; i < 20; i++) {
            transition(EntityType.CUSTOMER, customer, i % 2 == 0 ? TransitionKind.ESCALATED : TransitionKind.DEESCALATED,
                    i % 2 == 0 ? RiskLevel.WARNING : RiskLevel.WATCH);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at(hook).stream().anyMatch(r -> r.body().path("type").asText().equals("alert.resolved")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.at(hook).size() == 2);
        assertThat(receiver.at(hook)).extracting(r -> r.body().path("type").asText()).containsExactly("alert.firing", "alert.resolved");
    }

    @Test
    void shouldGroupCustomersOfTheProductsOwnerUnderItAndReportEachNewOneInAGroupUpdate() throws Exception {
        String product = unique("P");
        Contribution aboutProduct = criticalProduct(product);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/" + product).stream()
                .anyMatch(r -> r.body().path("type").asText().equals("alert.firing")));
        // Acknowledged: no repeats (which would list the group too), but a grown group is still reported.
        assertThat(call("POST", "/v1/alerts/PRODUCT:" + product + "/ack", "{}", true).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> "ACKNOWLEDGED".equals(alert("PRODUCT:" + product).path("state").asText()));
        List<String> customers = List.of(unique("C"), unique("C"));
        for (String customer : customers) {
            // Key accounts of the product's quality owner: one person, so their alerts are grouped under the product's.
            owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("pq-" + product).setEmail(null)
                    .setWebhookUrl(receiver.url("/hook/" + customer)));
            transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING, aboutProduct);

            // Within the group interval (1 s here), not at the product's next repeat: an update naming the new customer only.
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/" + product).stream()
                        .anyMatch(r -> r.body().path("newlyGroupedAlerts").toString().contains("CUSTOMER:" + customer)));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no group update naming " + customer + "; product alert: " + alert("PRODUCT:" + product)
                        + "; customer alert: " + alert("CUSTOMER:" + customer) + "; product hook got: "
                        + receiver.at("/hook/" + product).stream().map(r -> r.body().path("type").asText()).toList(), e);
            }
            assertThat(audit("CUSTOMER:" + customer)).extracting(NotificationRecord::getOutcome).contains(DeliveryOutcome.INHIBITED);
        }
        List<JsonNode> updates = receiver.at("/hook/" + product).stream().map(WebhookReceiver.Received::body)
                .filter(b -> b.path("type").asText().equals("alert.group_updated")).toList();
        assertThat(updates).hasSize(2);
        assertThat(updates.get(0).path("newlyGroupedAlerts")).extracting(JsonNode::asText).containsExactly("CUSTOMER:" + customers.get(0));
        assertThat(updates.get(1).path("newlyGroupedAlerts")).extracting(JsonNode::asText).containsExactly("CUSTOMER:" + customers.get(1));
        assertThat(updates.get(1).path("groupedAlerts")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("CUSTOMER:" + customers.get(0), "CUSTOMER:" + customers.get(1));
        assertThat(updates.get(1).path("title").asText()).contains("1 more customer affected");
        assertThat(updates).allMatch(b -> b.path("alert").path("kind").asText().equals("REPEAT"));
        for (String customer : customers) {
            assertThat(receiver.at("/hook/" + customer)).isEmpty();
        }
    }

    @Test
    void shouldNotifyACustomersOwnOwnerAndNameTheProductAlertOfAnotherOwner() throws Exception {
        String product = unique("P");
        String customer = unique("C");
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url("/hook/" + customer)));
        Contribution aboutProduct = criticalProduct(product);

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING, aboutProduct);

        // The account manager hears about their customer (inhibition never silences a different owner) and learns why.
        await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.at("/hook/" + customer).isEmpty());
        JsonNode body = receiver.at("/hook/" + customer).get(0).body();
        assertThat(body.path("type").asText()).isEqualTo("alert.firing");
        assertThat(body.path("owner").path("id").asText()).isEqualTo("am-" + customer);
        assertThat(body.path("affectedBy").path("alertId").asText()).isEqualTo("PRODUCT:" + product);
        assertThat(body.path("affectedBy").path("ownerId").asText()).isEqualTo("pq-" + product);
        assertThat(body.path("affectedBy").path("link").asText()).endsWith("/v1/alerts/PRODUCT:" + product);
        assertThat(audit("CUSTOMER:" + customer)).extracting(NotificationRecord::getOutcome).doesNotContain(DeliveryOutcome.INHIBITED);
    }

    @Test
    void shouldResolveInhibitedCustomerAlertsWithoutAWordWhileTheirProductIsStillCritical() throws Exception {
        Contribution aboutProduct = criticalProduct(unique("P"));
        // One customer's last transition still points at the product (inhibited until it resolves), the
        // other's no longer does (not inhibited while it calms down).
        Map<String, Contribution[]> resolvedWith = Map.of(unique("C"), new Contribution[]{aboutProduct}, unique("C"), new Contribution[0]);
        for (String customer : resolvedWith.keySet()) {
            // Owned by the product's owner, so grouped (inhibited) under its alert.
            owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("pq-" + aboutProduct.getProductId()).setEmail(null)
                    .setWebhookUrl(receiver.url("/hook/" + customer)));
            transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING, aboutProduct);
            await().atMost(Duration.ofSeconds(30)).until(() -> audit("CUSTOMER:" + customer).stream()
                    .anyMatch(r -> r.getOutcome() == DeliveryOutcome.INHIBITED));
        }

        // The customers calm down while the product is still CRITICAL: once the flap window is over their
        // alerts resolve, and their owners, who never heard of them, hear nothing now either.
        for (Map.Entry<String, Contribution[]> customer : resolvedWith.entrySet()) {
            transition(EntityType.CUSTOMER, customer.getKey(), TransitionKind.RESOLVED, RiskLevel.OK, customer.getValue());
        }

        for (String customer : resolvedWith.keySet()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "RESOLVED".equals(alert("CUSTOMER:" + customer).path("state").asText()));
        }
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true); // ticks that could send
        for (String customer : resolvedWith.keySet()) {
            assertThat(receiver.at("/hook/" + customer)).as(customer).extracting(r -> r.body().path("type").asText()).isEmpty();
            assertThat(alert("CUSTOMER:" + customer).path("history").toString()).contains("resolved-quietly").doesNotContain("released");
        }
    }

    @Test
    void shouldDeliverEveryNotificationOnceWithAValidSignatureAfterTheOwnersReceiverWasDownForAWhile() throws Exception {
        String customer = unique("C");
        String hook = "/hook/" + customer;
        // Down far longer than the quick retries (4 attempts at most 400 ms apart here): the notifications wait in alerts.retry.
        receiver.down(hook, Duration.ofSeconds(10));
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url(hook)));

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING);
        await().atMost(Duration.ofSeconds(30)).until(() -> audit("CUSTOMER:" + customer).stream()
                .anyMatch(r -> r.getOutcome() == DeliveryOutcome.RETRYING && r.getError().contains("next attempt at")));
        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.CRITICAL);

        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.deliveredAt(hook).size() >= 2);
        // Acknowledged, so no more repeats (4 s here; some were decided during the outage and wait behind the others).
        assertThat(call("POST", "/v1/alerts/CUSTOMER:" + customer + "/ack", "{}", true).statusCode()).isEqualTo(202);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> assertThat(receiver.deliveredAt(hook))
                .extracting(WebhookReceiver.Received::id).as("each notification once").doesNotHaveDuplicates());
        List<WebhookReceiver.Received> delivered = receiver.deliveredAt(hook);
        assertThat(delivered).allMatch(WebhookReceiver.Received::signatureValid);
        assertThat(delivered).extracting(r -> r.body().path("alert").path("kind").asText()).startsWith("FIRING", "ESCALATED");
        assertThat(delivered).extracting(r -> r.body().path("sequence").asInt()).as("in the order decided").isSorted();
        assertThat(audit("CUSTOMER:" + customer).stream().filter(r -> r.getOutcome() == DeliveryOutcome.DELIVERED && r.getChannel()
                == dev.forewarn.events.NotificationChannel.WEBHOOK).map(NotificationRecord::getNotificationId).distinct().count())
                .as("every notification sent to the owner's webhook was delivered").isEqualTo(delivered.size());
        assertThat(receiver.at(hook).size()).as("attempts while it was down").isGreaterThan(delivered.size());
        assertThat(alert("CUSTOMER:" + customer).path("undeliverable").size()).isZero();
    }

    @Test
    void shouldShowAnUndeliverableDestinationOnTheAlertAndSendTheNotificationToTheDefaultRoute() throws Exception {
        String customer = unique("C");
        String hook = "/hook/" + customer;
        receiver.answer(hook, 404); // the owner's endpoint is gone: a 404 is not worth retrying
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url(hook)));

        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/quality-team").stream()
                .anyMatch(r -> r.body().path("alert").path("id").asText().equals("CUSTOMER:" + customer)));
        JsonNode rerouted = receiver.at("/hook/quality-team").stream()
                .filter(r -> r.body().path("alert").path("id").asText().equals("CUSTOMER:" + customer)).findFirst().orElseThrow().body();
        String origin = java.net.URI.create(receiver.url(hook)).resolve("/").toString().replaceAll("/$", "");
        assertThat(rerouted.path("deliveryNote").asText()).contains("am-" + customer).contains(origin).doesNotContain(hook)
                .contains("HTTP 404");
        await().atMost(Duration.ofSeconds(30)).until(() -> alert("CUSTOMER:" + customer).path("undeliverable").size() == 1);
        JsonNode undeliverable = alert("CUSTOMER:" + customer).path("undeliverable").get(0);
        assertThat(undeliverable.path("channel").asText()).isEqualTo("WEBHOOK");
        assertThat(undeliverable.path("destination").asText()).isEqualTo(origin);
        assertThat(undeliverable.path("reason").asText()).contains("HTTP 404").contains("sent to the default route instead");
        assertThat(call("GET", "/metrics", null, false).body()).contains("forewarn_alerting_undeliverable_total{channel=\"WEBHOOK\"");
    }

    @Test
    void shouldAnswerApiErrorsAsProblems() throws Exception {
        HttpResponse<String> unauthorized = call("GET", "/v1/alerts", null, false);
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        assertThat(call("GET", "/v1/alerts/CUSTOMER:nobody", null, true).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/v1/alerts/CUSTOMER:nobody/ack", null, true).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/silences/" + UUID.randomUUID(), null, true).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/v1/alerts?state=BOGUS", null, true).statusCode()).isEqualTo(400);

        HttpResponse<String> backwards = call("POST", "/v1/silences", "{\"matchers\":{\"ownerId\":\"am-x\"},\"startsAt\":\""
                + Instant.now().plusSeconds(3600) + "\",\"endsAt\":\"" + Instant.now().plusSeconds(60) + "\",\"comment\":\"x\"}", true);
        assertThat(backwards.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(backwards.body()).path("errors").get(0).path("pointer").asText()).isEqualTo("/endsAt");
        assertThat(JSON.readTree(backwards.body()).path("errors").get(0).path("rule").asText()).isEqualTo("after-start");

        HttpResponse<String> noMatcher = call("POST", "/v1/silences", "{\"matchers\":{},\"endsAt\":\""
                + Instant.now().plusSeconds(60) + "\",\"comment\":\"x\"}", true);
        assertThat(noMatcher.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(noMatcher.body()).path("errors").get(0).path("pointer").asText()).isEqualTo("/matchers");

        assertThat(call("POST", "/v1/silences", "{not json", true).statusCode()).isEqualTo(400);

        HttpResponse<String> forever = call("POST", "/v1/silences", "{\"matchers\":{\"ownerId\":\"am-x\"},\"endsAt\":\""
                + Instant.now().plus(Duration.ofDays(100)) + "\",\"comment\":\"x\"}", true);
        assertThat(forever.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(forever.body()).path("errors").get(0).path("rule").asText()).isEqualTo("max-duration");
    }

    @Test
    void shouldDeleteASilenceOnceItHasExpired() throws Exception {
        HttpResponse<String> created = call("POST", "/v1/silences", "{\"matchers\":{\"ownerId\":\"" + unique("am")
                + "\"},\"endsAt\":\"" + Instant.now().plusSeconds(2) + "\",\"comment\":\"short maintenance\"}", true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String silenceId = JSON.readTree(created.body()).path("id").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/v1/silences", null, true).body().contains(silenceId));
        await().atMost(Duration.ofSeconds(30)).until(() -> !call("GET", "/v1/silences", null, true).body().contains(silenceId));
        List<String> values = Topics.readToEnd(KAFKA, TopicCatalogue.SILENCES.name(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())
                .stream().filter(r -> r.key().equals(silenceId)).map(r -> r.value() == null ? "tombstone" : "silence").toList();
        assertThat(values).as("deleted from the compacted topic, not only hidden").endsWith("tombstone");
    }

    @Test
    void shouldListAlertsByStateAndEntityTypeAndExportMetrics() throws Exception {
        String customer = unique("C");
        owner(EntityType.CUSTOMER, customer, TestRecords.owner().setOwnerId("am-" + customer).setEmail(null)
                .setWebhookUrl(receiver.url("/hook/" + customer)));
        transition(EntityType.CUSTOMER, customer, TransitionKind.ESCALATED, RiskLevel.WARNING);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/hook/" + customer).size() == 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> call("GET", "/v1/alerts?state=FIRING&entityType=CUSTOMER&owner=am-" + customer,
                null, true).body().contains("CUSTOMER:" + customer));
        assertThat(call("GET", "/v1/alerts?entityType=PRODUCT&owner=am-" + customer, null, true).body()).doesNotContain(customer);

        String metrics = call("GET", "/metrics", null, false).body();
        assertThat(metrics)
                .contains("forewarn_alerting_notifications_total{channel=\"WEBHOOK\",outcome=\"DELIVERED\",service=\"alerting-service\"}")
                .contains("forewarn_alerting_end_to_end_delay_seconds_bucket")
                .contains("forewarn_alerting_delivery_seconds_bucket")
                .contains("forewarn_alerting_alerts{service=\"alerting-service\",state=\"FIRING\"}")
                .contains("kafka_stream_");
    }

    @Test
    void shouldServeEveryRouteItsOpenApiDocumentDescribes() throws Exception {
        JsonNode openApi = JSON.readTree(call("GET", "/openapi.json", null, false).body());
        List<String> checked = new java.util.ArrayList<>();
        for (var path : (Iterable<Map.Entry<String, JsonNode>>) openApi.path("paths")::fields) {
            for (var operation : (Iterable<Map.Entry<String, JsonNode>>) path.getValue()::fields) {
                String concrete = path.getKey().replace("{id}", "CUSTOMER:openapi-probe");
                HttpResponse<String> response = call(operation.getKey().toUpperCase(java.util.Locale.ROOT), concrete, null, true);
                assertThat(response.body()).as(operation.getKey() + " " + path.getKey()).doesNotContain("no route");
                assertThat(response.statusCode()).as(operation.getKey() + " " + path.getKey()).isNotEqualTo(405);
                checked.add(operation.getKey() + " " + path.getKey());
            }
        }
        assertThat(checked).hasSize(12);
    }

    @Test
    void shouldAnswerEveryDocumentedRouteWithoutParametersOrWithGarbageWithoutA5xx() throws Exception {
        dev.forewarn.testsupport.RouteProbe probe = new dev.forewarn.testsupport.RouteProbe("http://127.0.0.1:" + service.port(),
                Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(probe.probe()).as("answers that were 5xx").isEmpty();
        assertThat(probe.calls()).isGreaterThan(50);
    }
}
