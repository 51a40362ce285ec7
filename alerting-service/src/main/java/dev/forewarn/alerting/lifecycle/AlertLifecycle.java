package dev.forewarn.alerting.lifecycle;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertEvent;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.RiskLevel;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.Silence;
import dev.forewarn.events.TransitionKind;
import dev.forewarn.events.UndeliverableDestination;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The alert state machine, in one pure class (no Kafka types, no clock): what happens to an
 * entity's alert when a risk transition or score arrives, when its owner acknowledges it, when a
 * destination turns out undeliverable and when time passes; which notifications are due, and
 * what becomes of each while a silence or an inhibition holds it back ({@link #dispose}, {@link #release}).
 * The caller finds the holds (silences, the product alert it is grouped under) and routes what is sent.
 *
 * <pre>
 *            WARNING / CRITICAL / PREDICTED                  ack
 *  (none|RESOLVED) ─────────────────▶ FIRING ─────────────────────▶ ACKNOWLEDGED
 *                                      │  ▲  level rises above the notified level: ESCALATED (ack cleared)
 *                                      │  │  unacked: REPEAT every repeatInterval;
 *                                      │  │  unacked CRITICAL for ackTimeout: ESCALATION_CONTACT (once)
 *              to OK / WATCH           ▼  │ fires again within the flap window: back, without a notification
 *                                   RESOLVING ──(flap window over)──▶ RESOLVED (RESOLVED notification)
 * </pre>
 *
 * Flapping input (levels alternating around a threshold) therefore produces one FIRING, at most
 * one ESCALATED per level, and one RESOLVED after the entity stays calm for the flap window.
 */
public final class AlertLifecycle {

    /**
     * @param repeatInterval        while firing and unacknowledged, notify again after this long (Alertmanager: 4h)
     * @param ackTimeout            an unacknowledged CRITICAL alert goes to the escalation contact after this long (PagerDuty: 30 min)
     * @param flapWindow            a calmed-down alert resolves only after staying calm this long
     * @param predictedCloserFactor a PREDICTED re-notifies when the time left to CRITICAL shrank to this share of the time left at the last notification
     * @param resolvedRetention     a resolved alert is forgotten after this long
     * @param maxHistory            history entries kept per alert
     */
    public record Config(Duration repeatInterval, Duration ackTimeout, Duration flapWindow, double predictedCloserFactor,
                         Duration resolvedRetention, int maxHistory) {

        public static Config defaults() {
            return new Config(Duration.ofHours(4), Duration.ofMinutes(30), Duration.ofMinutes(5), 0.5, Duration.ofDays(7), 50);
        }
    }

    /**
     * What an input did.
     *
     * @param alert     the alert afterwards; {@code null} if there is (no longer) an alert
     * @param changed   whether the alert must be stored
     * @param notifications    notifications due, in order
     */
    public record Outcome(Alert alert, boolean changed, List<NotificationKind> notifications) {

        public static Outcome unchanged(Alert alert) {
            return new Outcome(alert, false, List.of());
        }
    }

    /** Why a notification is held back: a silence, or the product alert its alert is grouped under. */
    public record Hold(String silenceId, String inhibitingAlert) {

        public static Hold silence(String silenceId) {
            return new Hold(silenceId, null);
        }

        public static Hold inhibition(String productAlertId) {
            return new Hold(null, productAlertId);
        }

        public boolean isSilence() {
            return silenceId != null;
        }

        @Override
        public String toString() {
            return isSilence() ? "silence " + silenceId : inhibitingAlert;
        }
    }

    /** What becomes of a notification that is due. */
    public enum Disposition {
        /** Send it now. */
        SEND,
        /** Held back: the alert remembers it ({@code pendingKind}) and sends it when the hold ends. */
        HELD,
        /** Dropped: the RESOLVED of an alert whose FIRING was never sent (its owner never heard of it). */
        RESOLVED_QUIETLY
    }

    /** A held notification released by time passing: the alert afterwards, and the kind to send now. */
    public record Release(Outcome outcome, NotificationKind kind) {
    }

    /** How the dispatcher's audit record of a destination given up on begins. */
    public static final String UNDELIVERABLE = "undeliverable:";
    /** Undeliverable destinations listed per alert (newest). */
    private static final int MAX_UNDELIVERABLE = 10;

    private final Config config;

    public AlertLifecycle(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /**
     * A risk transition of the alert's entity. {@code current} may be null (no alert yet). The
     * entity's level is {@link #entityLevel}: a PREDICTED transition says CRITICAL is coming, not that
     * it is here, so it keeps the real level, sets {@code predicted} and never starts the
     * acknowledgement timeout.
     */
    public Outcome onTransition(Alert current, String alertId, RiskTransition t, Instant now) {
        RiskLevel level = entityLevel(t);
        // Scoring states the projection on PREDICTED and on a level change while CRITICAL is within its horizon.
        Instant projected = level == RiskLevel.CRITICAL ? null : t.getProjectedCriticalAt();
        boolean prediction = t.getKind() == TransitionKind.PREDICTED && projected != null;
        boolean alerting = isAlerting(level) || projected != null;
        boolean active = current != null && current.getState() != AlertState.RESOLVED;
        if (!active) {
            if (!alerting) {
                return Outcome.unchanged(current);
            }
            Alert alert = Alert.newBuilder()
                    .setAlertId(alertId)
                    .setEntityType(t.getEntityType())
                    .setEntityId(t.getEntityId())
                    .setState(AlertState.FIRING)
                    .setLevel(level)
                    .setNotifiedLevel(level)
                    .setPredicted(projected != null)
                    .setScore(t.getScore())
                    .setProjectedCriticalAt(projected)
                    .setNotifiedProjectedCriticalAt(projected)
                    .setTopContributors(t.getTopContributors())
                    .setOwnerId(current == null ? null : current.getOwnerId())
                    .setFiredAt(now)
                    .setFiredScoredAt(t.getOccurredAt())
                    .setCriticalSince(level == RiskLevel.CRITICAL ? now : null)
                    .setCriticalNotifiedAt(level == RiskLevel.CRITICAL ? now : null)
                    .setLastNotifiedAt(now)
                    .setLastTransitionId(t.getTransitionId())
                    .setSignalOccurredAt(t.getSignalOccurredAt())
                    .setScoredAt(t.getOccurredAt())
                    .setNotificationSeq(current == null ? 0 : current.getNotificationSeq())
                    .setUpdatedAt(now)
                    .setHistory(current == null ? new ArrayList<>() : new ArrayList<>(current.getHistory()))
                    .build();
            record(alert, now, "fired", "at " + level + (alert.getPredicted() ? ", CRITICAL predicted at " + projected : "")
                    + " (score " + round(t.getScore()) + ")");
            return new Outcome(alert, true, List.of(NotificationKind.FIRING));
        }

        Alert alert = Alert.newBuilder(current)
                .setLevel(level)
                .setScore(t.getScore())
                .setTopContributors(t.getTopContributors())
                .setLastTransitionId(t.getTransitionId())
                .setSignalOccurredAt(t.getSignalOccurredAt())
                .setScoredAt(later(current.getScoredAt(), t.getOccurredAt()))
                .setUpdatedAt(now)
                .setHistory(new ArrayList<>(current.getHistory()))
                .build();
        if (prediction || level != current.getLevel()) {
            alert.setProjectedCriticalAt(projected);
            alert.setPredicted(projected != null);
        }
        if (!alerting) {
            return calmDown(alert, current.getState(), now);
        }

        if (current.getState() == AlertState.RESOLVING) {
            alert.setState(alert.getAcknowledgedAt() != null ? AlertState.ACKNOWLEDGED : AlertState.FIRING);
            alert.setResolveAt(null);
            record(alert, now, "refired", "level " + level + " within the flap window; no new notification");
        }
        if (level == RiskLevel.CRITICAL) {
            if (alert.getCriticalSince() == null) {
                alert.setCriticalSince(now);
            }
        } else {
            alert.setCriticalSince(null);
        }
        if (rank(level) > rank(alert.getNotifiedLevel())) {
            alert.setNotifiedLevel(level);
            reopen(alert);
            notified(alert, now);
            record(alert, now, "escalated", "to " + level + (alert.getPredicted() ? ", CRITICAL predicted at " + projected : "")
                    + " (score " + round(t.getScore()) + ")");
            return new Outcome(alert, true, List.of(NotificationKind.ESCALATED));
        }
        if (prediction && predictedMuchCloser(alert, t)) {
            reopen(alert);
            notified(alert, now);
            record(alert, now, "escalated", "still " + level + "; CRITICAL now predicted at " + projected);
            return new Outcome(alert, true, List.of(NotificationKind.ESCALATED));
        }
        return new Outcome(alert, true, List.of());
    }

    /**
     * The entity's latest score from {@code risk.scores}: the alert shows the current score, reasons
     * and projection (so a REPEAT or RESOLVED states what scoring says now), and an alert raised only
     * by a prediction calms down when the projection leaves the horizon. Older scores are ignored.
     */
    public Outcome onScore(Alert current, RiskScore score, Instant now) {
        if (current == null || current.getState() == AlertState.RESOLVED
                || (current.getScoredAt() != null && score.getUpdatedAt().isBefore(current.getScoredAt()))) {
            return Outcome.unchanged(current);
        }
        Instant projected = current.getLevel() == RiskLevel.CRITICAL ? null : score.getProjectedCriticalAt();
        if (score.getScore() == current.getScore() && Objects.equals(projected, current.getProjectedCriticalAt())
                && score.getTopContributors().equals(current.getTopContributors())) {
            return Outcome.unchanged(current);
        }
        Alert alert = copy(current, now);
        alert.setScore(score.getScore());
        alert.setTopContributors(new ArrayList<>(score.getTopContributors()));
        alert.setProjectedCriticalAt(projected);
        alert.setPredicted(projected != null && alert.getPredicted());
        alert.setScoredAt(score.getUpdatedAt());
        if (!isAlerting(alert.getLevel()) && projected == null && current.getState() != AlertState.RESOLVING) {
            return calmDown(alert, current.getState(), now);
        }
        return new Outcome(alert, true, List.of());
    }

    /** The transition's entity level: {@code fromLevel} for PREDICTED (its {@code toLevel} is the projected CRITICAL), else {@code toLevel}. */
    public static RiskLevel entityLevel(RiskTransition t) {
        return t.getKind() == TransitionKind.PREDICTED ? t.getFromLevel() : t.getToLevel();
    }

    /** The entity is no longer alerting: the alert resolves after the flap window unless it fires again. */
    private Outcome calmDown(Alert alert, AlertState before, Instant now) {
        alert.setCriticalSince(null);
        alert.setPredicted(false);
        if (before == AlertState.RESOLVING) {
            return new Outcome(alert, true, List.of());
        }
        if (config.flapWindow().isZero()) {
            return resolve(alert, now);
        }
        alert.setState(AlertState.RESOLVING);
        alert.setResolveAt(now.plus(config.flapWindow()));
        record(alert, now, "resolving", "level " + alert.getLevel() + "; resolves at " + alert.getResolveAt() + " unless it fires again");
        return new Outcome(alert, true, List.of());
    }

    /** A new notification clears an earlier acknowledgement: the owner has something new to acknowledge. */
    private static void reopen(Alert alert) {
        if (alert.getState() == AlertState.ACKNOWLEDGED) {
            alert.setState(AlertState.FIRING);
            alert.setAcknowledgedAt(null);
            alert.setAcknowledgedBy(null);
        }
    }

    /**
     * What becomes of notification {@code kind} of {@code alert}, due now: a RESOLVED whose FIRING is still held resolves
     * quietly; otherwise the hold ({@code holdNow}, asked only then) holds it back, remembered on the alert (a held
     * FIRING stays the pending kind: the owner must first hear that it fired); otherwise it is sent.
     */
    public Disposition dispose(Alert alert, NotificationKind kind, java.util.function.Supplier<Optional<Hold>> holdNow, Instant now) {
        if (kind == NotificationKind.RESOLVED && alert.getPendingKind() == NotificationKind.FIRING) {
            clearHeld(alert);
            record(alert, now, "resolved-quietly", "its firing was never sent");
            return Disposition.RESOLVED_QUIETLY;
        }
        Optional<Hold> hold = holdNow.get();
        if (hold.isEmpty()) {
            return Disposition.SEND;
        }
        Hold h = hold.get();
        NotificationKind pending = alert.getPendingKind();
        alert.setPendingKind(pending == NotificationKind.FIRING ? pending : kind);
        alert.setSilencedBy(h.silenceId());
        alert.setInhibitedBy(h.inhibitingAlert());
        record(alert, now, h.isSilence() ? "silenced" : "inhibited", kind + " held by " + h);
        return Disposition.HELD;
    }

    /**
     * After a tick ({@code tick} is {@link #onTick}'s outcome): the notification {@code alert} holds is released when
     * its hold ended ({@code holdNow}, asked only then). What a calming-down alert holds stays held (it resolves unless
     * it fires again, and its reasons may no longer point at the inhibiting product), and an alert resolving in this
     * tick is settled by {@link #dispose} (a held FIRING resolves without a word).
     */
    public Optional<Release> release(Outcome tick, java.util.function.Supplier<Optional<Hold>> holdNow, Instant now) {
        Alert alert = tick.alert();
        if (alert == null || alert.getPendingKind() == null || alert.getResolveAt() != null
                || tick.notifications().contains(NotificationKind.RESOLVED) || holdNow.get().isPresent()) {
            return Optional.empty();
        }
        Alert released = tick.changed() ? alert : Alert.newBuilder(alert).setHistory(new ArrayList<>(alert.getHistory())).build();
        NotificationKind pending = released.getPendingKind();
        clearHeld(released);
        record(released, now, "released", pending + " no longer silenced or inhibited");
        released(released, pending, now);
        return Optional.of(new Release(new Outcome(released, true, tick.notifications()), pending));
    }

    /**
     * The dispatcher gave up on a destination (its audit record's error begins with {@link #UNDELIVERABLE}): the alert
     * lists it (newest {@value #MAX_UNDELIVERABLE}) and says so in its history. Other delivery records change nothing.
     */
    public Outcome onDelivery(Alert current, NotificationRecord delivery, Instant now) {
        if (current == null || delivery.getOutcome() != DeliveryOutcome.FAILED || delivery.getError() == null
                || !delivery.getError().startsWith(UNDELIVERABLE)) {
            return Outcome.unchanged(current);
        }
        Alert alert = Alert.newBuilder(current).setUpdatedAt(now).setHistory(new ArrayList<>(current.getHistory()))
                .setUndeliverable(new ArrayList<>(current.getUndeliverable())).build();
        String reason = delivery.getError().substring(UNDELIVERABLE.length()).trim();
        alert.getUndeliverable().add(new UndeliverableDestination(delivery.getNotificationId(), delivery.getChannel(),
                delivery.getDestination(), reason, delivery.getAttemptedAt()));
        while (alert.getUndeliverable().size() > MAX_UNDELIVERABLE) {
            alert.getUndeliverable().remove(0);
        }
        record(alert, now, "undeliverable", delivery.getKind() + " to " + delivery.getChannel() + " "
                + delivery.getDestination() + ": " + reason);
        return new Outcome(alert, true, List.of());
    }

    /** Whether {@code silence} holds the notifications of {@code alert}, whose owner is {@code ownerId}, at {@code now}. */
    public static boolean silences(Silence silence, Alert alert, String ownerId, Instant now) {
        return !now.isBefore(silence.getStartsAt()) && now.isBefore(silence.getEndsAt())
                && (silence.getEntityType() == null || silence.getEntityType() == alert.getEntityType())
                && (silence.getEntityId() == null || silence.getEntityId().equals(alert.getEntityId()))
                && (silence.getOwnerId() == null || silence.getOwnerId().equals(ownerId));
    }

    private static void clearHeld(Alert alert) {
        alert.setPendingKind(null);
        alert.setSilencedBy(null);
        alert.setInhibitedBy(null);
    }

    /**
     * A notification the caller held back (silence, inhibition) went out now: repeats count from
     * now, and for a FIRING or ESCALATED at CRITICAL so does the owner's time to acknowledge.
     */
    public void released(Alert alert, NotificationKind kind, Instant now) {
        alert.setLastNotifiedAt(now);
        if (alert.getLevel() == RiskLevel.CRITICAL && (kind == NotificationKind.FIRING || kind == NotificationKind.ESCALATED
                || alert.getCriticalNotifiedAt() == null)) {
            alert.setCriticalNotifiedAt(now);
        }
    }

    /** The owner acknowledges the alert: it stops repeating and is not escalated to the contact. */
    public Outcome onAcknowledge(Alert current, String actor, String comment, Instant now) {
        if (current == null || current.getState() == AlertState.RESOLVED || current.getAcknowledgedAt() != null) {
            return Outcome.unchanged(current);
        }
        Alert alert = Alert.newBuilder(current)
                .setState(current.getState() == AlertState.FIRING ? AlertState.ACKNOWLEDGED : current.getState())
                .setAcknowledgedAt(now)
                .setAcknowledgedBy(actor)
                .setUpdatedAt(now)
                .setHistory(new ArrayList<>(current.getHistory()))
                .build();
        record(alert, now, "acknowledged", comment == null || comment.isBlank() ? "by " + actor : "by " + actor + ": " + comment);
        return new Outcome(alert, true, List.of());
    }

    /** Time passed: resolve after the flap window, repeat, escalate to the contact, forget old resolved alerts. */
    public Outcome onTick(Alert current, Instant now) {
        if (current == null) {
            return Outcome.unchanged(null);
        }
        switch (current.getState()) {
            case RESOLVED -> {
                Instant resolvedAt = current.getResolvedAt() == null ? current.getUpdatedAt() : current.getResolvedAt();
                return now.isBefore(resolvedAt.plus(config.resolvedRetention()))
                        ? Outcome.unchanged(current) : new Outcome(null, true, List.of());
            }
            case RESOLVING -> {
                if (now.isBefore(current.getResolveAt())) {
                    return Outcome.unchanged(current);
                }
                return resolve(copy(current, now), now);
            }
            case ACKNOWLEDGED -> {
                return Outcome.unchanged(current);
            }
            default -> {
                // FIRING, unacknowledged. Nothing repeats while a silence or an inhibition holds a notification back.
                if (current.getPendingKind() != null) {
                    return Outcome.unchanged(current);
                }
                List<NotificationKind> due = new ArrayList<>(2);
                Alert alert = null;
                Instant ackDue = ackDue(current);
                if (ackDue != null && current.getEscalatedToContactAt() == null && !now.isBefore(ackDue)) {
                    alert = copy(current, now);
                    alert.setEscalatedToContactAt(now);
                    record(alert, now, "escalated-to-contact", "CRITICAL and unacknowledged for " + config.ackTimeout());
                    due.add(NotificationKind.ESCALATION_CONTACT);
                }
                Instant last = current.getLastNotifiedAt() == null ? current.getFiredAt() : current.getLastNotifiedAt();
                if (!now.isBefore(last.plus(config.repeatInterval()))) {
                    alert = alert == null ? copy(current, now) : alert;
                    notified(alert, now);
                    record(alert, now, "repeated", "still " + current.getLevel() + " and unacknowledged");
                    due.add(NotificationKind.REPEAT);
                }
                return alert == null ? Outcome.unchanged(current) : new Outcome(alert, true, List.copyOf(due));
            }
        }
    }

    /** Appends to the alert's history, keeping the newest {@link Config#maxHistory} entries. */
    public void record(Alert alert, Instant at, String event, String detail) {
        List<AlertEvent> history = alert.getHistory();
        history.add(new AlertEvent(at, event, detail));
        while (history.size() > config.maxHistory()) {
            history.remove(0);
        }
    }

    private Outcome resolve(Alert alert, Instant now) {
        alert.setState(AlertState.RESOLVED);
        alert.setResolvedAt(now);
        alert.setResolveAt(null);
        alert.setCriticalSince(null);
        record(alert, now, "resolved", "level " + alert.getLevel());
        return new Outcome(alert, true, List.of(NotificationKind.RESOLVED));
    }

    /**
     * When an unacknowledged CRITICAL alert goes to the escalation contact: {@code ackTimeout} after
     * the entity is CRITICAL and the owner was told so, whichever is later; null while it is not CRITICAL.
     */
    private Instant ackDue(Alert alert) {
        Instant told = alert.getCriticalNotifiedAt() != null ? alert.getCriticalNotifiedAt()
                : alert.getNotifiedLevel() == RiskLevel.CRITICAL ? alert.getCriticalSince() : null; // stored before the field existed
        if (alert.getCriticalSince() == null || told == null) {
            return null;
        }
        return later(alert.getCriticalSince(), told).plus(config.ackTimeout());
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /**
     * Whether the new projection leaves at most {@code predictedCloserFactor} of the time the notified
     * one left. Both are measured from the transition's own time: projections are in scoring's
     * observed (event) time, so measuring from the wall clock made every projection of a replayed
     * history look "much closer" (both already past, 0 ≤ 0) and re-notified it at once.
     */
    private boolean predictedMuchCloser(Alert alert, RiskTransition t) {
        if (alert.getNotifiedLevel() == RiskLevel.CRITICAL || alert.getLevel() == RiskLevel.CRITICAL) {
            return false;
        }
        Instant before = alert.getNotifiedProjectedCriticalAt();
        if (before == null) {
            return true;
        }
        long at = t.getOccurredAt().toEpochMilli();
        long leftBefore = Math.max(0, before.toEpochMilli() - at);
        long leftNow = Math.max(0, t.getProjectedCriticalAt().toEpochMilli() - at);
        return leftNow < leftBefore && leftNow <= leftBefore * config.predictedCloserFactor();
    }

    private static void notified(Alert alert, Instant now) {
        alert.setLastNotifiedAt(now);
        if (alert.getProjectedCriticalAt() != null) {
            alert.setNotifiedProjectedCriticalAt(alert.getProjectedCriticalAt());
        }
        if (alert.getLevel() == RiskLevel.CRITICAL && alert.getCriticalNotifiedAt() == null) {
            alert.setCriticalNotifiedAt(now);
        }
    }

    private static Alert copy(Alert current, Instant now) {
        return Alert.newBuilder(current).setUpdatedAt(now).setHistory(new ArrayList<>(current.getHistory())).build();
    }

    /** A level that keeps or makes an alert fire (so does a predicted CRITICAL at any level). */
    static boolean isAlerting(RiskLevel level) {
        return level == RiskLevel.WARNING || level == RiskLevel.CRITICAL;
    }

    private static int rank(RiskLevel level) {
        return level == null ? -1 : level.ordinal();
    }

    private static String round(double score) {
        return String.valueOf(Math.round(score * 10) / 10.0);
    }
}
