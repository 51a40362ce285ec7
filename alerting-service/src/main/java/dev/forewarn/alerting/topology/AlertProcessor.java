package dev.forewarn.alerting.topology;

import dev.forewarn.alerting.audit.AuditRecords;
import dev.forewarn.alerting.lifecycle.AlertLifecycle;
import dev.forewarn.alerting.lifecycle.Grouping;
import dev.forewarn.alerting.metrics.AlertingMetrics;
import dev.forewarn.alerting.route.DefaultRoute;
import dev.forewarn.alerting.route.Route;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertCommand;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.DeliveryOutcome;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.NotificationKind;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.Silence;
import dev.forewarn.topics.TopicCatalogue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link AlertLifecycle} per entity over risk transitions and acknowledgements, on the wall
 * clock (alerts are about now), and turns its decisions into routed notifications: owner lookup,
 * silences and inhibition. Writes the alert to {@code alerts.state}, each notification to
 * {@code alerts.outbox} (delivered by the dispatcher) and held ones to the audit topic.
 */
final class AlertProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertProcessor.class);
    /** Customer alerts listed under one product alert's notification. */
    private static final int MAX_GROUPED = 100;

    record Settings(AlertLifecycle lifecycle, Grouping grouping, DefaultRoute route, Duration tickInterval, AlertingMetrics metrics) {
    }

    private final Settings settings;
    private final AlertLifecycle lifecycle;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, Alert> alerts;
    /** Ids of the alerts time-driven work can change: not resolved, or holding a notification. */
    private KeyValueStore<String, Boolean> live;
    private KeyValueStore<String, OwnerAssignment> owners;
    private KeyValueStore<String, Silence> silences;
    private KeyValueStore<String, Alert> view;
    /** While processing a transition caused by an ingested signal: when ingest took it. */
    private Long ingestedAt;

    AlertProcessor(Settings settings) {
        this.settings = settings;
        this.lifecycle = settings.lifecycle();
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        alerts = context.getStateStore(AlertingTopology.ALERT_STORE);
        live = context.getStateStore(AlertingTopology.LIVE_ALERTS);
        owners = context.getStateStore(AlertingTopology.OWNERS_VIEW);
        silences = context.getStateStore(AlertingTopology.SILENCES_VIEW);
        view = context.getStateStore(AlertingTopology.ALERTS_VIEW);
        context.schedule(settings.tickInterval(), PunctuationType.WALL_CLOCK_TIME, now -> tick(live, now));
        // Resolved alerts only wait to be forgotten (days): the whole store is scanned hourly, not every tick.
        context.schedule(Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, now -> tick(alerts, now));
        // Checked every tick; each product alert sends at most one group update per group interval.
        Duration groupCheck = settings.tickInterval().compareTo(settings.grouping().config().groupInterval()) < 0
                ? settings.tickInterval() : settings.grouping().config().groupInterval();
        context.schedule(groupCheck, PunctuationType.WALL_CLOCK_TIME, this::groupUpdates);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        String alertId = record.key();
        if (alertId == null || record.value() == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        Alert current = alerts.get(alertId);
        ingestedAt = ingestedAt(record);
        AlertLifecycle.Outcome outcome;
        if (record.value() instanceof RiskTransition transition) {
            outcome = lifecycle.onTransition(current, alertId, transition, now);
        } else if (record.value() instanceof RiskScore score) {
            outcome = lifecycle.onScore(current, score, now);
        } else if (record.value() instanceof AlertCommand command) {
            if (current == null) {
                LOG.warn("acknowledgement {} of unknown alert {} ignored", command.getCommandId(), alertId);
                return;
            }
            outcome = lifecycle.onAcknowledge(current, command.getActor(), command.getComment(), now);
        } else if (record.value() instanceof NotificationRecord delivery) {
            outcome = lifecycle.onDelivery(current, delivery, now);
        } else {
            return;
        }
        try {
            apply(alertId, outcome, now);
        } finally {
            ingestedAt = null;
        }
    }

    /** When ingest-service took the signal behind this input (a transition's {@code forewarn-ingested-at} header), if known. */
    private static Long ingestedAt(Record<String, SpecificRecord> record) {
        Header header = record.headers().lastHeader(TopicCatalogue.INGESTED_AT_HEADER);
        if (header == null) {
            return null;
        }
        try {
            return Long.parseLong(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void apply(String alertId, AlertLifecycle.Outcome outcome, Instant now) {
        if (!outcome.changed()) {
            return;
        }
        Alert alert = outcome.alert();
        if (alert == null) {
            alerts.delete(alertId);
            live.delete(alertId);
            context.forward(new Record<>(alertId, (SpecificRecord) null, now.toEpochMilli()), AlertingTopology.SINK_STATE);
            return;
        }
        // The alert's owner is the entity's owner in the directory (the default route's when it has none), whoever is notified.
        alert.setOwnerId(ownerOf(alert));
        for (NotificationKind kind : outcome.notifications()) {
            settings.metrics().decided(kind);
            decide(alert, kind, now);
        }
        alerts.put(alertId, alert);
        if (alert.getState() != AlertState.RESOLVED || alert.getPendingKind() != null) {
            live.put(alertId, Boolean.TRUE);
        } else {
            live.delete(alertId);
        }
        context.forward(new Record<>(alertId, (SpecificRecord) alert, now.toEpochMilli()), AlertingTopology.SINK_STATE);
    }

    /**
     * Time-driven work over the alerts in {@code ids} (the live index every tick, the whole store
     * hourly): the lifecycle's timers, and notifications released when their silence or inhibition ends.
     */
    private void tick(KeyValueStore<String, ?> ids, long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, ?> all = ids.all()) {
            all.forEachRemaining(entry -> due.add(entry.key));
        }
        for (String alertId : due) {
            Alert current = alerts.get(alertId);
            if (current == null) {
                live.delete(alertId);
                continue;
            }
            AlertLifecycle.Outcome ticked = lifecycle.onTick(current, now);
            Optional<AlertLifecycle.Release> release = lifecycle.release(ticked, () -> held(ticked.alert(), now), now);
            AlertLifecycle.Outcome outcome = ticked;
            if (release.isPresent()) {
                Alert released = release.get().outcome().alert();
                emit(released, release.get().kind(), Route.of(owner(released), release.get().kind(), settings.route()), now);
                outcome = release.get().outcome();
            }
            apply(alertId, outcome, now);
        }
    }

    /** Sends {@code kind} unless the lifecycle holds it back (a silence, an inhibition) or drops it. */
    private void decide(Alert alert, NotificationKind kind, Instant now) {
        Route route = Route.of(owner(alert), kind, settings.route());
        switch (lifecycle.dispose(alert, kind, () -> held(alert, now), now)) {
            case SEND -> emit(alert, kind, route, now);
            case HELD -> {
                boolean silenced = alert.getSilencedBy() != null;
                if (silenced) {
                    settings.metrics().silenced();
                } else {
                    settings.metrics().inhibited();
                }
                audit(alert, kind, route, silenced ? DeliveryOutcome.SILENCED : DeliveryOutcome.INHIBITED,
                        silenced ? "silence " + alert.getSilencedBy() : "grouped under " + alert.getInhibitedBy(), now);
            }
            case RESOLVED_QUIETLY -> {
                // the owner never heard of this alert: nothing to say
            }
        }
    }

    /**
     * The first silence matching the alert (its owner, not whoever a notification goes to), else the
     * product alert it is grouped under (same owner, see {@link Grouping}).
     */
    private Optional<AlertLifecycle.Hold> held(Alert alert, Instant now) {
        String ownerId = ownerOf(alert);
        try (KeyValueIterator<String, Silence> all = silences.all()) {
            while (all.hasNext()) {
                Silence silence = all.next().value;
                if (AlertLifecycle.silences(silence, alert, ownerId, now)) {
                    return Optional.of(AlertLifecycle.Hold.silence(silence.getSilenceId()));
                }
            }
        }
        return Grouping.relatedProduct(alert, view::get).filter(product -> settings.grouping().groups(product, ownerId))
                .map(product -> AlertLifecycle.Hold.inhibition(product.getAlertId()));
    }

    /**
     * Each CRITICAL product alert of this task whose group grew since its owner was last told, and
     * last sent its group at least a group interval ago, sends a group update (a REPEAT with
     * {@code groupUpdate}) naming the new customers. One scan of the customer alerts serves all of
     * the task's product alerts, and happens only when one of them may send.
     */
    private void groupUpdates(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<Alert> products = new ArrayList<>();
        try (KeyValueIterator<String, Boolean> ids = live.prefixScan("PRODUCT:", new org.apache.kafka.common.serialization.StringSerializer())) {
            ids.forEachRemaining(entry -> {
                Alert product = alerts.get(entry.key);
                if (product != null && settings.grouping().reportsItsGroup(product, now)) {
                    products.add(product);
                }
            });
        }
        if (products.isEmpty()) {
            return;
        }
        Map<String, List<String>> groups = groupsByProductAlert();
        for (Alert current : products) {
            List<String> groupedNow = groups.getOrDefault(current.getAlertId(), List.of());
            List<String> added = Grouping.newlyGrouped(current, groupedNow);
            if (added.isEmpty() || held(current, now).isPresent()) {
                continue;
            }
            Alert alert = Alert.newBuilder(current).setUpdatedAt(now).setHistory(new ArrayList<>(current.getHistory())).build();
            lifecycle.record(alert, now, "group-updated", added.size() + " more customer alert(s) grouped under it: "
                    + String.join(", ", added));
            settings.metrics().decided(NotificationKind.REPEAT);
            emit(alert, NotificationKind.REPEAT, Route.of(owner(alert), NotificationKind.REPEAT, settings.route()), now, added);
            apply(alert.getAlertId(), new AlertLifecycle.Outcome(alert, true, List.of()), now);
        }
    }

    /** The customer alerts grouped under each product alert, from the alerts view. */
    private Map<String, List<String>> groupsByProductAlert() {
        Map<String, List<String>> groups = new HashMap<>();
        try (KeyValueIterator<String, Alert> all = view.prefixScan("CUSTOMER:", new org.apache.kafka.common.serialization.StringSerializer())) {
            while (all.hasNext()) {
                Alert customer = all.next().value;
                if (customer.getInhibitedBy() != null && customer.getState() != AlertState.RESOLVED) {
                    List<String> group = groups.computeIfAbsent(customer.getInhibitedBy(), id -> new ArrayList<>());
                    if (group.size() < MAX_GROUPED) {
                        group.add(customer.getAlertId());
                    }
                }
            }
        }
        return groups;
    }

    private void emit(Alert alert, NotificationKind kind, Route route, Instant now) {
        emit(alert, kind, route, now, List.of());
    }

    /** Sends {@code kind}; {@code newlyGrouped} non-empty makes it a product alert's group update. */
    private void emit(Alert alert, NotificationKind kind, Route route, Instant now, List<String> newlyGrouped) {
        if (route.destinations().isEmpty()) {
            lifecycle.record(alert, now, "unrouted", kind + ": neither the owner nor the default route has a destination");
            audit(alert, kind, route, DeliveryOutcome.FAILED, "no destination: the entity has no owner with a channel and the default route is empty", now);
            return;
        }
        int sequence = alert.getNotificationSeq() + 1;
        alert.setNotificationSeq(sequence);
        List<String> grouped = grouped(alert);
        if (alert.getEntityType() == EntityType.PRODUCT) {
            alert.setNotifiedGroup(new ArrayList<>(grouped));
            alert.setGroupNotifiedAt(now);
        }
        // A customer alert about a CRITICAL product alert of another owner is not grouped under it: say where its risk comes from.
        Optional<Alert> affectedBy = Grouping.relatedProduct(alert, view::get)
                .filter(product -> !settings.grouping().groups(product, ownerOf(alert)));
        AlertNotification notification = AlertNotification.newBuilder()
                .setNotificationId(NotificationIds.of(alert.getAlertId(), alert.getFiredAt(), sequence))
                .setAlertId(alert.getAlertId())
                .setKind(kind)
                .setEntityType(alert.getEntityType())
                .setEntityId(alert.getEntityId())
                .setLevel(alert.getLevel())
                .setPredicted(alert.getPredicted())
                .setScore(alert.getScore())
                .setProjectedCriticalAt(alert.getProjectedCriticalAt())
                .setTopContributors(new ArrayList<>(alert.getTopContributors()))
                .setOwnerId(route.ownerId())
                .setOwnerName(route.ownerName())
                .setDestinations(route.destinations())
                .setGroupedAlerts(grouped)
                .setGroupUpdate(!newlyGrouped.isEmpty())
                .setNewlyGroupedAlerts(new ArrayList<>(newlyGrouped))
                .setAffectedBy(affectedBy.map(Alert::getAlertId).orElse(null))
                .setAffectedByOwnerId(affectedBy.map(Alert::getOwnerId).orElse(null))
                .setSequence(sequence)
                .setTransitionId(alert.getLastTransitionId())
                .setSignalOccurredAt(alert.getSignalOccurredAt())
                .setFiredAt(alert.getFiredAt())
                .setCreatedAt(now)
                .build();
        lifecycle.record(alert, now, "notified", (newlyGrouped.isEmpty() ? kind : "group update") + " "
                + notification.getNotificationId() + " to " + route.ownerId());
        if (ingestedAt != null) {
            settings.metrics().pipelineLatency(kind, Duration.ofMillis(Math.max(0, now.toEpochMilli() - ingestedAt)));
        }
        context.forward(new Record<>(alert.getAlertId(), (SpecificRecord) notification, now.toEpochMilli()), AlertingTopology.SINK_OUTBOX);
    }

    /** Customer alerts grouped under this product alert (read from the alerts view). */
    private List<String> grouped(Alert alert) {
        if (alert.getEntityType() != EntityType.PRODUCT) {
            return List.of();
        }
        List<String> grouped = new ArrayList<>();
        try (KeyValueIterator<String, Alert> all = view.prefixScan("CUSTOMER:", new org.apache.kafka.common.serialization.StringSerializer())) {
            while (all.hasNext() && grouped.size() < MAX_GROUPED) {
                Alert customer = all.next().value;
                if (alert.getAlertId().equals(customer.getInhibitedBy()) && customer.getState() != AlertState.RESOLVED) {
                    grouped.add(customer.getAlertId());
                }
            }
        }
        return grouped;
    }

    private void audit(Alert alert, NotificationKind kind, Route route, DeliveryOutcome outcome, String why, Instant now) {
        NotificationRecord record = AuditRecords.notSent(alert, kind, NotificationIds.of(alert.getAlertId(), alert.getFiredAt(),
                alert.getNotificationSeq() + 1), route.ownerId(), route.destinations(), outcome, why, now);
        context.forward(new Record<>(alert.getAlertId(), (SpecificRecord) record, now.toEpochMilli()), AlertingTopology.SINK_AUDIT);
    }

    private OwnerAssignment owner(Alert alert) {
        return owners.get(alert.getEntityType() + ":" + alert.getEntityId());
    }

    /** The alert's owner: the entity's owner in the directory, or the default route's owner id. */
    private String ownerOf(Alert alert) {
        OwnerAssignment owner = owner(alert);
        return owner != null ? owner.getOwnerId() : settings.route().ownerId();
    }
}
