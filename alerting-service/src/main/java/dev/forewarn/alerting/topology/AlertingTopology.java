package dev.forewarn.alerting.topology;

import dev.forewarn.alerting.AlertingConfig;
import dev.forewarn.alerting.AlertingMetrics;
import dev.forewarn.alerting.lifecycle.AlertLifecycle;
import dev.forewarn.alerting.lifecycle.Grouping;
import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertCommand;
import dev.forewarn.events.AlertNotification;
import dev.forewarn.events.NotificationRecord;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.Silence;
import dev.forewarn.serde.AvroSerde;
import dev.forewarn.serde.AvroSerdeConfig;
import dev.forewarn.serde.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Turns the configuration into the alerting {@link Topology}, and nothing else:
 *
 * <pre>
 * risk.transitions ─┐                                       ┌─ alerts.state (compacted)
 * risk.scores      ─┤
 * alerts.commands  ─┼─ alert-lifecycle [alert-store, live-alerts] ┼─ alerts.outbox → dispatcher → webhook / Slack / e-mail
 * alerts.notifications (undeliverable) ─┘                   └─ alerts.notifications (held: SILENCED / INHIBITED)
 *                        reads the global stores:
 *   customer.owners → [owners-view], alerts.silences → [silences-view], alerts.state → [alerts-view]
 * </pre>
 *
 * {@code risk.transitions}, {@code risk.scores}, {@code alerts.commands} and {@code alerts.notifications}
 * are all keyed by alert id and must have the same partition count. The global views also serve the HTTP API on every instance.
 */
public final class AlertingTopology {

    public static final String ALERT_STORE = "alert-store";
    public static final String LIVE_ALERTS = "live-alerts";
    public static final String OWNERS_VIEW = "owners-view";
    public static final String SILENCES_VIEW = "silences-view";
    public static final String ALERTS_VIEW = "alerts-view";
    static final String PROCESSOR = "alert-lifecycle";
    static final String SINK_STATE = "sink-alerts-state";
    static final String SINK_OUTBOX = "sink-alerts-outbox";
    static final String SINK_AUDIT = "sink-alerts-notifications";

    private AlertingTopology() {
    }

    public static Topology build(AlertingConfig config, AlertingMetrics metrics) {
        return build(config, metrics, new SchemaRegistryClient(AvroSerdeConfig.of(config.registryUrl()).registry()));
    }

    /** The topology with its Avro serdes on {@code registry} (whose health the service's readiness reads). */
    public static Topology build(AlertingConfig config, AlertingMetrics metrics, SchemaRegistryClient registry) {
        AvroSerdeConfig serdeConfig = AvroSerdeConfig.of(config.registryUrl());
        Topology topology = new Topology();
        StringDeserializer keys = new StringDeserializer();
        StringSerializer keyWriter = new StringSerializer();

        topology.addSource(AutoOffsetReset.earliest(), "source-" + AlertingConfig.TRANSITIONS, keys,
                anyRecord(serde(RiskTransition.class, registry, serdeConfig).deserializer()), AlertingConfig.TRANSITIONS);
        topology.addSource(AutoOffsetReset.earliest(), "source-" + AlertingConfig.COMMANDS, keys,
                anyRecord(serde(AlertCommand.class, registry, serdeConfig).deserializer()), AlertingConfig.COMMANDS);
        // The entities' latest scores, so every notification states the current score and reasons (same key and partitions).
        topology.addSource(AutoOffsetReset.earliest(), "source-" + AlertingConfig.SCORES, keys,
                anyRecord(serde(RiskScore.class, registry, serdeConfig).deserializer()), AlertingConfig.SCORES);
        // Final delivery failures (written by the dispatcher): the alert lists the destinations it could not reach.
        topology.addSource(AutoOffsetReset.latest(), "source-" + AlertingConfig.NOTIFICATIONS, keys,
                anyRecord(serde(NotificationRecord.class, registry, serdeConfig).deserializer()), AlertingConfig.NOTIFICATIONS);
        AlertProcessor.Settings settings = new AlertProcessor.Settings(new AlertLifecycle(config.lifecycle()), new Grouping(config.grouping()), config.route(),
                config.tickInterval(), metrics);
        topology.addProcessor(PROCESSOR, () -> new AlertProcessor(settings),
                "source-" + AlertingConfig.TRANSITIONS, "source-" + AlertingConfig.SCORES, "source-" + AlertingConfig.COMMANDS,
                "source-" + AlertingConfig.NOTIFICATIONS);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERT_STORE), Serdes.String(),
                serde(Alert.class, registry, serdeConfig)), PROCESSOR);
        // The ids the tick visits (unresolved or holding a notification): small, in memory, changelogged.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LIVE_ALERTS), Serdes.String(),
                Serdes.Boolean()), PROCESSOR);

        topology.addSink(SINK_STATE, AlertingConfig.STATE, keyWriter, anyRecordWriter(serde(Alert.class, registry, serdeConfig).serializer()), PROCESSOR);
        topology.addSink(SINK_OUTBOX, AlertingConfig.OUTBOX, keyWriter,
                anyRecordWriter(serde(AlertNotification.class, registry, serdeConfig).serializer()), PROCESSOR);
        topology.addSink(SINK_AUDIT, AlertingConfig.NOTIFICATIONS, keyWriter,
                anyRecordWriter(serde(NotificationRecord.class, registry, serdeConfig).serializer()), PROCESSOR);

        global(topology, OWNERS_VIEW, AlertingConfig.OWNERS, serde(OwnerAssignment.class, registry, serdeConfig));
        global(topology, SILENCES_VIEW, AlertingConfig.SILENCES, serde(Silence.class, registry, serdeConfig));
        global(topology, ALERTS_VIEW, AlertingConfig.STATE, serde(Alert.class, registry, serdeConfig));
        return topology;
    }

    private static <V extends SpecificRecord> void global(Topology topology, String store, String topic, Serde<V> values) {
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), values).withLoggingDisabled(),
                "source-" + topic, new StringDeserializer(), values.deserializer(), topic, "update-" + store,
                () -> new GlobalTableUpdater<V>(store));
    }

    private static <T extends SpecificRecord> Serde<T> serde(Class<T> type, SchemaRegistryClient registry, AvroSerdeConfig config) {
        return AvroSerde.specific(type, registry, config);
    }

    @SuppressWarnings("unchecked")
    private static Deserializer<SpecificRecord> anyRecord(Deserializer<? extends SpecificRecord> deserializer) {
        return (Deserializer<SpecificRecord>) deserializer;
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Serializer<SpecificRecord> anyRecordWriter(Serializer<T> serializer) {
        Serializer<T> typed = serializer;
        return (topic, value) -> typed.serialize(topic, (T) value);
    }
}
