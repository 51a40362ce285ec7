package dev.forewarn.alerting.topology;

import dev.forewarn.alerting.config.AlertingConfig;
import dev.forewarn.alerting.lifecycle.AlertLifecycle;
import dev.forewarn.alerting.lifecycle.Grouping;
import dev.forewarn.alerting.metrics.AlertingMetrics;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSerdes;
import dev.forewarn.topics.TopicSpec;
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
 *   customer.owners → [owners-view], alerts.silences → [silences-view], alerts.state → [alerts-view],
 *   alerts.feedback → [feedback-view]
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
    public static final String FEEDBACK_VIEW = "feedback-view";
    static final String PROCESSOR = "alert-lifecycle";
    static final String SINK_STATE = "sink-alerts-state";
    static final String SINK_OUTBOX = "sink-alerts-outbox";
    static final String SINK_AUDIT = "sink-alerts-notifications";

    private AlertingTopology() {
    }

    /**
     * The topology, a pure function of its configuration and its serdes: the service passes serdes on its
     * registry client (whose health its readiness reads), tests serdes on an in-memory registry.
     */
    public static Topology build(AlertingConfig config, AlertingMetrics metrics, TopicSerdes serdes) {
        Topology topology = new Topology();
        // The entities' latest scores, so every notification states the current score and reasons (same key and partitions);
        // final delivery failures (written by the dispatcher), so the alert lists the destinations it could not reach.
        source(topology, AutoOffsetReset.earliest(), TopicCatalogue.TRANSITIONS, serdes);
        source(topology, AutoOffsetReset.earliest(), TopicCatalogue.ALERT_COMMANDS, serdes);
        source(topology, AutoOffsetReset.earliest(), TopicCatalogue.SCORES, serdes);
        source(topology, AutoOffsetReset.latest(), TopicCatalogue.NOTIFICATIONS, serdes);
        AlertProcessor.Settings settings = new AlertProcessor.Settings(new AlertLifecycle(config.lifecycle()), new Grouping(config.grouping()),
                config.route(), config.tickInterval(), metrics);
        topology.addProcessor(PROCESSOR, () -> new AlertProcessor(settings), TopicCatalogue.ALERT_INPUTS.stream()
                .map(topic -> "source-" + topic.name()).toArray(String[]::new));
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERT_STORE), Serdes.String(),
                serdes.value(TopicCatalogue.ALERT_STATE)), PROCESSOR);
        // The ids the tick visits (unresolved or holding a notification): small, in memory, changelogged.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LIVE_ALERTS), Serdes.String(),
                Serdes.Boolean()), PROCESSOR);

        sink(topology, SINK_STATE, TopicCatalogue.ALERT_STATE, serdes);
        sink(topology, SINK_OUTBOX, TopicCatalogue.OUTBOX, serdes);
        sink(topology, SINK_AUDIT, TopicCatalogue.NOTIFICATIONS, serdes);

        global(topology, OWNERS_VIEW, TopicCatalogue.OWNERS, serdes);
        global(topology, SILENCES_VIEW, TopicCatalogue.SILENCES, serdes);
        global(topology, ALERTS_VIEW, TopicCatalogue.ALERT_STATE, serdes);
        global(topology, FEEDBACK_VIEW, TopicCatalogue.ALERT_FEEDBACK, serdes);
        return topology;
    }

    private static <V extends SpecificRecord> void source(Topology topology, AutoOffsetReset reset, TopicSpec<String, V> topic,
                                                          TopicSerdes serdes) {
        topology.addSource(reset, "source-" + topic.name(), new StringDeserializer(), anyRecord(serdes.value(topic).deserializer()),
                topic.name());
    }

    private static <V extends SpecificRecord> void sink(Topology topology, String name, TopicSpec<String, V> topic, TopicSerdes serdes) {
        topology.addSink(name, topic.name(), new StringSerializer(), anyRecordWriter(serdes.value(topic).serializer()), PROCESSOR);
    }

    private static <V extends SpecificRecord> void global(Topology topology, String store, TopicSpec<String, V> topic, TopicSerdes serdes) {
        Serde<V> values = serdes.value(topic);
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), values).withLoggingDisabled(),
                "source-" + topic.name(), new StringDeserializer(), values.deserializer(), topic.name(), "update-" + store,
                () -> new GlobalTableUpdater<V>(store));
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
