package dev.forewarn.alerting.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.Contribution;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.service.links.AlertLinks;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** What a notification says, per channel: webhook JSON, Slack blocks, e-mail subject, text and HTML. */
public final class Messages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Messages() {
    }

    /** The webhook body: the alert, its entity, level, score, projection, top reasons and links. */
    public static String webhookJson(AlertNotification n, AlertLinks links) {
        ObjectNode root = JSON.createObjectNode()
                .put("type", n.getGroupUpdate() ? "alert.group_updated" : "alert." + n.getKind().name().toLowerCase(Locale.ROOT))
                .put("notificationId", n.getNotificationId())
                .put("sequence", n.getSequence())
                .put("title", subject(n))
                .put("timestamp", n.getCreatedAt().toString());
        ObjectNode alert = root.putObject("alert")
                .put("id", n.getAlertId())
                .put("kind", n.getKind().name())
                .put("entityType", n.getEntityType().name())
                .put("entityId", n.getEntityId())
                .put("level", n.getLevel().name())
                .put("predicted", n.getPredicted())
                .put("score", Math.round(n.getScore() * 10) / 10.0)
                .put("firedAt", n.getFiredAt().toString());
        alert.put("projectedCriticalAt", n.getProjectedCriticalAt() == null ? null : n.getProjectedCriticalAt().toString());
        alert.put("transitionId", n.getTransitionId());
        alert.put("signalOccurredAt", n.getSignalOccurredAt() == null ? null : n.getSignalOccurredAt().toString());
        root.putObject("owner").put("id", n.getOwnerId()).put("name", n.getOwnerName());
        ArrayNode reasons = root.putArray("topReasons");
        for (Contribution c : n.getTopContributors()) {
            ObjectNode reason = reasons.addObject().put("eventId", c.getEventId()).put("kind", c.getKind().name())
                    .put("occurredAt", c.getOccurredAt().toString())
                    .put("weight", round(c.getWeight())).put("weightNow", round(c.getWeightNow()));
            reason.put("productId", c.getProductId());
        }
        ArrayNode grouped = root.putArray("groupedAlerts");
        n.getGroupedAlerts().forEach(grouped::add);
        root.put("groupUpdate", n.getGroupUpdate());
        root.put("deliveryNote", n.getDeliveryNote());
        ArrayNode added = root.putArray("newlyGroupedAlerts");
        n.getNewlyGroupedAlerts().forEach(added::add);
        if (n.getAffectedBy() != null) {
            root.putObject("affectedBy").put("alertId", n.getAffectedBy()).put("ownerId", n.getAffectedByOwnerId())
                    .put("link", links.alert(n.getAffectedBy()));
        }
        ObjectNode linkJson = root.putObject("links").put("alert", links.alert(n.getAlertId())).put("api", links.api(n.getAlertId()));
        if (n.getKind() != NotificationKind.RESOLVED) {
            linkJson.put("acknowledge", links.api(n.getAlertId()) + "/ack");
            oneClickAck(n, links).ifPresent(link -> linkJson.put("oneClickAcknowledge", link));
        }
        return root.toString();
    }

    /**
     * A Slack incoming-webhook message with blocks (and a text fallback). Every mrkdwn text is
     * escaped (&amp;, &lt;, &gt;, as Slack asks): entity ids, owner names and reasons come from
     * signals and owner records, and {@code <!channel>} or {@code <https://evil|a link>} in them
     * must show as text, not ping a channel or hide a link. The header is plain_text (never parsed).
     */
    public static String slackJson(AlertNotification n, AlertLinks links) {
        ObjectNode root = JSON.createObjectNode().put("text", slack(subject(n)));
        ArrayNode blocks = root.putArray("blocks");
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("text", subject(n));
        if (n.getDeliveryNote() != null) {
            section(blocks, ":warning: " + slack(n.getDeliveryNote()));
        }
        section(blocks, slack(summary(n, true)));
        if (!n.getNewlyGroupedAlerts().isEmpty()) {
            section(blocks, "*Newly affected customers*: " + slack(String.join(", ", n.getNewlyGroupedAlerts())));
        }
        if (n.getAffectedBy() != null) {
            section(blocks, slack(affectedBy(n, links)));
        }
        if (!n.getTopContributors().isEmpty()) {
            StringBuilder reasons = new StringBuilder("*Top reasons*\n");
            n.getTopContributors().forEach(c -> reasons.append("• ").append(slack(reason(c))).append('\n'));
            section(blocks, reasons.toString());
        }
        ArrayNode buttons = blocks.addObject().put("type", "actions").putArray("elements");
        buttons.addObject().put("type", "button").put("url", links.alert(n.getAlertId()))
                .putObject("text").put("type", "plain_text").put("text", "Open alert");
        oneClickAck(n, links).ifPresent(link -> buttons.addObject().put("type", "button").put("url", link)
                .putObject("text").put("type", "plain_text").put("text", "Acknowledge"));
        return root.toString();
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
    }

    /** Slack's escaping for text in mrkdwn and the fallback {@code text}: the three characters it parses. */
    static String slack(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    public static String subject(AlertNotification n) {
        String level = n.getLevel().name();
        String prediction = predicted(n) ? " — CRITICAL predicted at " + n.getProjectedCriticalAt() : "";
        if (n.getGroupUpdate()) {
            return "[Forewarn] " + n.getEntityType().name().toLowerCase(Locale.ROOT) + " " + n.getEntityId() + ": " + level
                    + " — " + n.getNewlyGroupedAlerts().size() + " more customer" + (n.getNewlyGroupedAlerts().size() == 1 ? "" : "s")
                    + " affected";
        }
        String what = switch (n.getKind()) {
            case FIRING -> level + prediction;
            case REPEAT -> "still " + level + prediction;
            case ESCALATED -> predicted(n) ? level + " — CRITICAL now predicted at " + n.getProjectedCriticalAt() : "escalated to " + level;
            case ESCALATION_CONTACT -> "unacknowledged " + level;
            case RESOLVED -> "resolved";
        };
        return "[Forewarn] " + n.getEntityType().name().toLowerCase(Locale.ROOT) + " " + n.getEntityId() + ": " + what;
    }

    /** A prediction, not a level: the entity is below CRITICAL and CRITICAL is projected. */
    private static boolean predicted(AlertNotification n) {
        return n.getPredicted() && n.getProjectedCriticalAt() != null && n.getKind() != NotificationKind.RESOLVED;
    }

    public static String text(AlertNotification n, AlertLinks links) {
        StringBuilder text = new StringBuilder();
        if (n.getDeliveryNote() != null) {
            text.append(n.getDeliveryNote()).append("\n\n");
        }
        text.append(summary(n, false)).append("\n\n");
        if (!n.getTopContributors().isEmpty()) {
            text.append("Top reasons:\n");
            n.getTopContributors().forEach(c -> text.append("  - ").append(reason(c)).append('\n'));
        }
        if (!n.getNewlyGroupedAlerts().isEmpty()) {
            text.append("\nNewly affected customers: ").append(String.join(", ", n.getNewlyGroupedAlerts())).append('\n');
        }
        if (!n.getGroupedAlerts().isEmpty()) {
            text.append("\nCustomers affected through this product: ").append(String.join(", ", n.getGroupedAlerts())).append('\n');
        }
        if (n.getAffectedBy() != null) {
            text.append('\n').append(affectedBy(n, links)).append('\n');
        }
        text.append("\nAlert: ").append(links.alert(n.getAlertId())).append('\n');
        oneClickAck(n, links).ifPresent(link -> text.append("Acknowledge: ").append(link).append('\n'));
        text.append("Notification id: ").append(n.getNotificationId()).append('\n');
        return text.toString();
    }

    public static String html(AlertNotification n, AlertLinks links) {
        StringBuilder html = new StringBuilder("<html><body><h2>").append(escape(subject(n))).append("</h2>");
        if (n.getDeliveryNote() != null) {
            html.append("<p><strong>").append(escape(n.getDeliveryNote())).append("</strong></p>");
        }
        html.append("<p>").append(escape(summary(n, false))).append("</p>");
        if (!n.getTopContributors().isEmpty()) {
            html.append("<h3>Top reasons</h3><ul>");
            n.getTopContributors().forEach(c -> html.append("<li>").append(escape(reason(c))).append("</li>"));
            html.append("</ul>");
        }
        if (!n.getNewlyGroupedAlerts().isEmpty()) {
            html.append("<p>Newly affected customers: ").append(escape(String.join(", ", n.getNewlyGroupedAlerts()))).append("</p>");
        }
        if (!n.getGroupedAlerts().isEmpty()) {
            html.append("<p>Customers affected through this product: ").append(escape(String.join(", ", n.getGroupedAlerts()))).append("</p>");
        }
        if (n.getAffectedBy() != null) {
            html.append("<p>").append(escape(affectedBy(n, links))).append("</p>");
        }
        html.append("<p><a href=\"").append(escape(links.alert(n.getAlertId()))).append("\">Open the alert</a>");
        oneClickAck(n, links).ifPresent(link -> html.append(" · <a href=\"").append(escape(link)).append("\">Acknowledge</a>"));
        html.append("</p></body></html>");
        return html.toString();
    }

    private static String summary(AlertNotification n, boolean markdown) {
        String bold = markdown ? "*" : "";
        StringBuilder s = new StringBuilder()
                .append(n.getEntityType().name().charAt(0)).append(n.getEntityType().name().substring(1).toLowerCase(Locale.ROOT))
                .append(' ').append(bold).append(n.getEntityId()).append(bold)
                .append(" is at ").append(n.getLevel().name()).append(" with a risk score of ").append(Math.round(n.getScore())).append('.');
        if (n.getProjectedCriticalAt() != null && n.getKind() != NotificationKind.RESOLVED) {
            s.append(" At the current pace it turns CRITICAL at ").append(n.getProjectedCriticalAt()).append('.');
        }
        if (n.getOwnerName() != null || n.getOwnerId() != null) {
            s.append(" Owner: ").append(n.getOwnerName() != null ? n.getOwnerName() : n.getOwnerId()).append('.');
        }
        return s.toString();
    }

    /** For a customer's owner: the product alert (of another owner) the customer's risk comes from. */
    /** The one-click acknowledge link, for notifications an owner can still acknowledge. */
    private static Optional<String> oneClickAck(AlertNotification n, AlertLinks links) {
        return n.getKind() == NotificationKind.RESOLVED ? Optional.empty() : links.oneClickAck(n.getAlertId());
    }

    private static String affectedBy(AlertNotification n, AlertLinks links) {
        return "Most of this risk comes from " + n.getAffectedBy().replace("PRODUCT:", "product ") + ", which is CRITICAL"
                + (n.getAffectedByOwnerId() == null ? "" : " (its owner " + n.getAffectedByOwnerId() + " is on it)")
                + ": " + links.alert(n.getAffectedBy());
    }

    private static String reason(Contribution c) {
        return c.getKind().name().toLowerCase(Locale.ROOT) + (c.getProductId() == null ? "" : " on product " + c.getProductId())
                + " at " + Instant.ofEpochMilli(c.getOccurredAt().toEpochMilli()) + " (weight " + round(c.getWeightNow()) + ")";
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
