package dev.forewarn.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.Contribution;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationDestination;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.SignalKind;
import dev.forewarn.schemas.AvroSchemas;
import dev.forewarn.service.links.AlertLinks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Text that came from a signal or an owner record is hostile wherever a person reads it. */
class MessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    @BeforeAll
    static void trustGeneratedClasses() {
        AvroSchemas.trustGeneratedClasses();
    }

    private static AlertNotification hostile() {
        return AlertNotification.newBuilder().setNotificationId("ntf_1").setAlertId("CUSTOMER:<!channel>")
                .setKind(NotificationKind.FIRING).setEntityType(EntityType.CUSTOMER).setEntityId("<!channel> & co")
                .setLevel(RiskLevel.WARNING).setScore(65).setOwnerId("am-1").setOwnerName("<https://evil.example|click me>")
                .setTopContributors(List.of(Contribution.newBuilder().setEventId("e-1").setKind(SignalKind.RETURN)
                        .setProductId("<@U123>").setOccurredAt(NOW).setWeight(6).setWeightNow(6).build()))
                .setDestinations(List.of(new NotificationDestination(NotificationChannel.SLACK, "https://hooks.slack.com/x")))
                .setNewlyGroupedAlerts(List.of("CUSTOMER:<!here>")).setDeliveryNote("could not reach <!everyone>")
                .setSequence(1).setFiredAt(NOW).setCreatedAt(NOW).build();
    }

    private static List<String> mrkdwn(JsonNode slack) {
        List<String> texts = new ArrayList<>(List.of(slack.path("text").asText()));
        slack.path("blocks").forEach(block -> {
            if (block.path("text").path("type").asText().equals("mrkdwn")) {
                texts.add(block.path("text").path("text").asText());
            }
        });
        return texts;
    }

    @Test
    void shouldEscapeEverySlackTextThatSlackParses() throws Exception {
        List<String> texts = mrkdwn(JSON.readTree(Messages.slackJson(hostile(), AlertLinks.apiOnly("https://forewarn.example"))));

        assertThat(String.join("\n", texts)).doesNotContain("<!channel>", "<!here>", "<!everyone>", "<https://evil", "<@U123>")
                .contains("&lt;!channel&gt; &amp; co", "&lt;https://evil.example|click me&gt;", "&lt;@U123&gt;", "&lt;!here&gt;");
    }

    @Test
    void shouldEscapeTheEmailHtml() {
        String html = Messages.html(hostile(), AlertLinks.apiOnly("https://forewarn.example"));

        assertThat(html).doesNotContain("<!channel>", "<https://evil").contains("&lt;!channel&gt; &amp; co");
    }

    @Test
    void shouldLinkEveryChannelToTheDeskAndCarryASignedAcknowledgeLinkUntilResolved() throws Exception {
        AlertLinks links = new AlertLinks("https://alerts.example", "https://desk.example", "a-secret-of-16-bytes-or-more".getBytes(),
                java.time.Duration.ofHours(72), java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));
        AlertNotification firing = AlertNotification.newBuilder(hostile()).setAlertId("CUSTOMER:C-1").build();
        String desk = "https://desk.example/alerts/CUSTOMER%3AC-1";
        String ack = "https://desk.example/ack/CUSTOMER%3AC-1?exp=" + NOW.plus(java.time.Duration.ofHours(72)).getEpochSecond() + "&sig=";

        JsonNode webhook = JSON.readTree(Messages.webhookJson(firing, links));
        assertThat(webhook.path("links").path("alert").asText()).isEqualTo(desk);
        assertThat(webhook.path("links").path("api").asText()).isEqualTo("https://alerts.example/v1/alerts/CUSTOMER:C-1");
        assertThat(webhook.path("links").path("oneClickAcknowledge").asText()).startsWith(ack);
        assertThat(Messages.text(firing, links)).contains("Alert: " + desk).contains("Acknowledge: " + ack);
        assertThat(Messages.html(firing, links)).contains("href=\"" + desk + "\"").contains(">Acknowledge</a>");
        assertThat(Messages.slackJson(firing, links)).contains(desk).contains(ack);

        AlertNotification resolved = AlertNotification.newBuilder(firing).setKind(NotificationKind.RESOLVED).build();
        assertThat(JSON.readTree(Messages.webhookJson(resolved, links)).path("links").has("oneClickAcknowledge")).isFalse();
        assertThat(Messages.text(resolved, links)).doesNotContain("Acknowledge:");
    }
}
