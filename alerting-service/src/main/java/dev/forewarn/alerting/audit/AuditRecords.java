package dev.forewarn.alerting.audit;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.NotificationChannel;
import dev.forewarn.events.NotificationDestination;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.RiskLevel;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * The records of {@code alerts.notifications}, built in one place: the dispatcher's delivery
 * attempts and the lifecycle's notifications held back (silenced, inhibited) or without a
 * destination. Destinations are redacted as they are everywhere they are recorded.
 */
public final class AuditRecords {

    private AuditRecords() {
    }

    /** One attempt to deliver {@code n} to {@code d}. */
    public static NotificationRecord attempt(AlertNotification n, NotificationDestination d, DeliveryOutcome outcome, int attempt,
                                             Integer httpStatus, String error, Instant at) {
        return build(n.getNotificationId(), n.getAlertId(), n.getEntityType(), n.getEntityId(), n.getKind(), n.getLevel(), d,
                n.getOwnerId(), outcome, attempt, error, n.getTransitionId(), n.getSignalOccurredAt(), at).setHttpStatus(httpStatus).build();
    }

    /**
     * A notification of {@code alert} decided but not sent ({@code outcome} SILENCED, INHIBITED, or FAILED for want of
     * a destination): attempt 0, addressed to the first of {@code destinations} if any, {@code why} as its error.
     */
    public static NotificationRecord notSent(Alert alert, NotificationKind kind, String notificationId, String ownerId,
                                             List<NotificationDestination> destinations, DeliveryOutcome outcome, String why, Instant at) {
        return build(notificationId, alert.getAlertId(), alert.getEntityType(), alert.getEntityId(), kind, alert.getLevel(),
                destinations.isEmpty() ? null : destinations.get(0), ownerId, outcome, 0, why, alert.getLastTransitionId(),
                alert.getSignalOccurredAt(), at).build();
    }

    private static NotificationRecord.Builder build(String notificationId, String alertId, EntityType entityType, String entityId,
                                                    NotificationKind kind, RiskLevel level, NotificationDestination destination,
                                                    String ownerId, DeliveryOutcome outcome, int attempt, String error,
                                                    String transitionId, Instant signalOccurredAt, Instant at) {
        return NotificationRecord.newBuilder()
                .setNotificationId(notificationId)
                .setAlertId(alertId)
                .setEntityType(entityType)
                .setEntityId(entityId)
                .setKind(kind)
                .setLevel(level)
                .setChannel(destination == null ? NotificationChannel.WEBHOOK : destination.getChannel())
                .setDestination(destination == null ? "(none)" : redact(destination.getAddress()))
                .setOwnerId(ownerId)
                .setOutcome(outcome)
                .setAttempt(attempt)
                .setHttpStatus(null)
                .setError(error)
                .setTransitionId(transitionId)
                .setSignalOccurredAt(signalOccurredAt)
                .setAttemptedAt(at);
    }

    /**
     * A destination as it may be logged or audited: a URL as its scheme, host and port only (a Slack or chat
     * webhook's token is its path, others put tokens in the query or the user part); an e-mail address as it is.
     */
    public static String redact(String address) {
        if (!address.contains("://")) {
            return address;
        }
        try {
            URI uri = URI.create(address);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "(invalid URL)";
            }
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "(invalid URL)";
        }
    }
}
