package dev.forewarn.alerting.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertEvent;
import dev.forewarn.events.AlertFeedback;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.Contribution;
import dev.forewarn.events.Silence;
import java.time.Instant;

/** The API's JSON for alerts and silences. */
final class AlertJson {

    private AlertJson() {
    }

    static ObjectNode alertJson(Alert alert, AlertFeedback feedback, boolean withHistory) {
        ObjectNode json = Requests.JSON.createObjectNode()
                .put("id", alert.getAlertId())
                .put("entityType", alert.getEntityType().name())
                .put("entityId", alert.getEntityId())
                .put("state", alert.getState().name())
                .put("level", alert.getLevel().name())
                .put("predicted", alert.getPredicted())
                .put("score", Math.round(alert.getScore() * 10) / 10.0)
                .put("firedAt", alert.getFiredAt().toString())
                .put("updatedAt", alert.getUpdatedAt().toString())
                .put("notifications", alert.getNotificationSeq());
        json.put("firedScoredAt", str(alert.getFiredScoredAt()));
        json.put("projectedCriticalAt", str(alert.getProjectedCriticalAt()));
        json.put("ownerId", alert.getOwnerId());
        json.put("acknowledgedAt", str(alert.getAcknowledgedAt()));
        json.put("acknowledgedBy", alert.getAcknowledgedBy());
        json.put("escalatedToContactAt", str(alert.getEscalatedToContactAt()));
        json.put("resolvedAt", str(alert.getResolvedAt()));
        json.put("silencedBy", alert.getSilencedBy());
        json.put("inhibitedBy", alert.getInhibitedBy());
        json.put("trend", trend(alert));
        if (feedback == null) {
            json.putNull("feedback");
        } else {
            json.putObject("feedback").put("verdict", feedback.getVerdict().name()).put("comment", feedback.getComment())
                    .put("by", feedback.getActor()).put("at", feedback.getAt().toString());
        }
        ArrayNode reasons = json.putArray("topReasons");
        for (Contribution c : alert.getTopContributors()) {
            reasons.addObject().put("eventId", c.getEventId()).put("kind", c.getKind().name())
                    .put("productId", c.getProductId()).put("occurredAt", c.getOccurredAt().toString())
                    .put("weightNow", Math.round(c.getWeightNow() * 100) / 100.0);
        }
        ArrayNode undeliverable = json.putArray("undeliverable");
        alert.getUndeliverable().forEach(u -> undeliverable.addObject().put("state", "UNDELIVERABLE")
                .put("notificationId", u.getNotificationId()).put("channel", u.getChannel().name())
                .put("destination", u.getDestination()).put("reason", u.getReason()).put("at", u.getAt().toString()));
        if (withHistory) {
            ArrayNode history = json.putArray("history");
            for (AlertEvent event : alert.getHistory()) {
                history.addObject().put("at", event.getAt().toString()).put("event", event.getEvent()).put("detail", event.getDetail());
            }
        }
        return json;
    }

    static ObjectNode silenceJson(Silence s, Instant now) {
        ObjectNode json = Requests.JSON.createObjectNode().put("id", s.getSilenceId());
        ObjectNode matchers = json.putObject("matchers");
        matchers.put("entityType", s.getEntityType() == null ? null : s.getEntityType().name());
        matchers.put("entityId", s.getEntityId());
        matchers.put("ownerId", s.getOwnerId());
        json.put("startsAt", s.getStartsAt().toString())
                .put("endsAt", s.getEndsAt().toString())
                .put("createdBy", s.getCreatedBy())
                .put("comment", s.getComment())
                .put("createdAt", s.getCreatedAt().toString())
                .put("status", now.isBefore(s.getStartsAt()) ? "pending" : now.isBefore(s.getEndsAt()) ? "active" : "expired");
        return json;
    }

    /**
     * RISING while the entity's inflow would take it to CRITICAL (a projection is set), FALLING while the alert is
     * resolving (the score went below the firing level), STEADY otherwise.
     */
    static String trend(Alert alert) {
        if (alert.getState() == AlertState.RESOLVING || alert.getState() == AlertState.RESOLVED) {
            return "FALLING";
        }
        return alert.getProjectedCriticalAt() != null ? "RISING" : "STEADY";
    }

    private static String str(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
