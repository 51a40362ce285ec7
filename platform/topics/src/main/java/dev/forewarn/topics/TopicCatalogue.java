package dev.forewarn.topics;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertCommand;
import dev.forewarn.events.AlertFeedback;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.Complaint;
import dev.forewarn.events.CustomerReport;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.events.ProductReturn;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.Silence;
import dev.forewarn.topics.TopicSpec.Cleanup;
import dev.forewarn.topics.TopicSpec.Partitioning;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every topic of the pipeline, once: the services, the local stack, docker-compose's topic-init
 * step ({@code dev.forewarn.local.TopicsMain}), the tools and the tests read them from here.
 * Auto-creation is off everywhere; Kafka Streams creates its own internal topics.
 */
public final class TopicCatalogue {

    /**
     * Signal topics keep what a CRM backfill loads (ingest accepts {@code occurredAt} up to 400 days
     * old); so do {@code risk.transitions}, stamped with the same event time, and the dead letters:
     * retention is judged on record timestamps, and at the broker's default 7 days the records of a
     * backfilled history could be deleted before they are read.
     */
    public static final Duration HISTORY = Duration.ofDays(400);

    /**
     * Header ingest-service stamps on every signal it writes: when it took the signal (epoch milliseconds, decimal).
     * Consumers measure the pipeline's own latency from it; {@code occurredAt} can be 400 days old during a backfill.
     */
    public static final String INGESTED_AT_HEADER = "forewarn-ingested-at";

    public static final TopicSpec<String, CustomerReport> REPORTS = signals("customer.reports", CustomerReport.class);
    public static final TopicSpec<String, Complaint> COMPLAINTS = signals("customer.complaints", Complaint.class);
    public static final TopicSpec<String, ProductReturn> RETURNS = signals("customer.returns", ProductReturn.class);
    public static final TopicSpec<byte[], byte[]> REPORTS_DLQ = deadLetters(REPORTS, Partitioning.KEYED);
    public static final TopicSpec<byte[], byte[]> COMPLAINTS_DLQ = deadLetters(COMPLAINTS, Partitioning.KEYED);
    public static final TopicSpec<byte[], byte[]> RETURNS_DLQ = deadLetters(RETURNS, Partitioning.KEYED);
    /** Where alerting-service puts what it cannot read, from any of its inputs. */
    public static final String ALERTS_DLQ_NAME = "alerts.dlq";
    /** Who owns which customer or product (key {@code CUSTOMER:<id>} / {@code PRODUCT:<id>}), written by ingest. */
    public static final TopicSpec<String, OwnerAssignment> OWNERS = alertInput("customer.owners", OwnerAssignment.class, Cleanup.COMPACT);

    /** The latest score of each entity, keyed by alert id ({@code CUSTOMER:<id>}). */
    public static final TopicSpec<String, RiskScore> SCORES = alertInput("risk.scores", RiskScore.class, Cleanup.COMPACT);
    /** Level changes and predictions, keyed by alert id, stamped with event time. */
    public static final TopicSpec<String, RiskTransition> TRANSITIONS = new TopicSpec<>("risk.transitions", String.class,
            RiskTransition.class, Partitioning.KEYED, Cleanup.DELETE, Optional.of(HISTORY), Optional.of(ALERTS_DLQ_NAME));

    public static final TopicSpec<String, AlertCommand> ALERT_COMMANDS = alertInput("alerts.commands", AlertCommand.class, Cleanup.DELETE);
    public static final TopicSpec<String, Silence> SILENCES = new TopicSpec<>("alerts.silences", String.class, Silence.class,
            Partitioning.ONE, Cleanup.COMPACT, Optional.empty(), Optional.of(ALERTS_DLQ_NAME));
    /** Owners' verdicts on alerts (confirmed problem / false alarm), read by every alerting instance as a global view. */
    public static final TopicSpec<String, AlertFeedback> ALERT_FEEDBACK = new TopicSpec<>("alerts.feedback", String.class,
            AlertFeedback.class, Partitioning.ONE, Cleanup.COMPACT, Optional.empty(), Optional.of(ALERTS_DLQ_NAME));
    public static final TopicSpec<String, Alert> ALERT_STATE = alertInput("alerts.state", Alert.class, Cleanup.COMPACT);
    /** Notifications decided, for the dispatcher. */
    public static final TopicSpec<String, AlertNotification> OUTBOX = alertInput("alerts.outbox", AlertNotification.class, Cleanup.DELETE);
    /** Notifications waiting for their next attempt after a destination failed for a while (read with the outbox). */
    public static final TopicSpec<String, AlertNotification> RETRY = alertInput("alerts.retry", AlertNotification.class, Cleanup.DELETE);
    /** The audit: every delivery outcome and every held notification. */
    public static final TopicSpec<String, NotificationRecord> NOTIFICATIONS = alertInput("alerts.notifications", NotificationRecord.class,
            Cleanup.DELETE);
    public static final TopicSpec<byte[], byte[]> ALERTS_DLQ = new TopicSpec<>(ALERTS_DLQ_NAME, byte[].class, byte[].class,
            Partitioning.ONE, Cleanup.DELETE, Optional.of(HISTORY), Optional.empty());

    /** The signal topics, which the scoring tasks read together: one customer's signals must meet in one task. */
    public static final List<TopicSpec<?, ?>> SIGNALS = List.of(REPORTS, COMPLAINTS, RETURNS);
    /** What the alert lifecycle reads of one alert in one task: keyed by alert id, same partition count. */
    public static final List<TopicSpec<?, ?>> ALERT_INPUTS = List.of(TRANSITIONS, SCORES, ALERT_COMMANDS, NOTIFICATIONS);
    /** The dispatcher reads a retry partition with the outbox partition of the same number. */
    public static final List<TopicSpec<?, ?>> DISPATCH = List.of(OUTBOX, RETRY);

    private TopicCatalogue() {
    }

    /** Every topic, in the order they are created. */
    public static List<TopicSpec<?, ?>> all() {
        return List.of(REPORTS, REPORTS_DLQ, COMPLAINTS, COMPLAINTS_DLQ, RETURNS, RETURNS_DLQ, OWNERS, SCORES, TRANSITIONS,
                ALERT_COMMANDS, SILENCES, ALERT_FEEDBACK, ALERT_STATE, OUTBOX, RETRY, NOTIFICATIONS, ALERTS_DLQ);
    }

    /** The topic called {@code name}, if the catalogue has one. */
    public static Optional<TopicSpec<?, ?>> byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static <V> TopicSpec<String, V> signals(String name, Class<V> type) {
        return new TopicSpec<>(name, String.class, type, Partitioning.KEYED, Cleanup.DELETE, Optional.of(HISTORY),
                Optional.of(name + ".dlq"));
    }

    /** A topic's dead letters: the original bytes and headers, kept as long as their source. */
    private static TopicSpec<byte[], byte[]> deadLetters(TopicSpec<?, ?> source, Partitioning partitioning) {
        return new TopicSpec<>(source.deadLetters().orElseThrow(), byte[].class, byte[].class, partitioning, Cleanup.DELETE,
                Optional.of(HISTORY), Optional.empty());
    }

    private static <V> TopicSpec<String, V> alertInput(String name, Class<V> type, Cleanup cleanup) {
        return new TopicSpec<>(name, String.class, type, Partitioning.KEYED, cleanup, Optional.empty(), Optional.of(ALERTS_DLQ_NAME));
    }
}
