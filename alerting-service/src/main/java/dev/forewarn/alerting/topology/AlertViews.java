package dev.forewarn.alerting.topology;

import dev.forewarn.events.Alert;
import dev.forewarn.events.AlertFeedback;
import dev.forewarn.events.AlertState;
import dev.forewarn.events.OwnerAssignment;
import dev.forewarn.events.Silence;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The topology's global views (every alert, silence, verdict and owner), as the HTTP API and the dispatcher read
 * them on any instance. A view that is not queryable (Streams not started, or restoring) throws
 * {@link InvalidStateStoreException}; {@link #alert} answers empty instead.
 */
public final class AlertViews {

    private final Supplier<KafkaStreams> streams;

    public AlertViews(Supplier<KafkaStreams> streams) {
        this.streams = streams;
    }

    /** Every alert, by id. */
    public ReadOnlyKeyValueStore<String, Alert> alerts() {
        return view(AlertingTopology.ALERTS_VIEW);
    }

    /** Every silence, by id. */
    public ReadOnlyKeyValueStore<String, Silence> silences() {
        return view(AlertingTopology.SILENCES_VIEW);
    }

    /** Every owner's verdict on an alert, by alert id. */
    public ReadOnlyKeyValueStore<String, AlertFeedback> feedback() {
        return view(AlertingTopology.FEEDBACK_VIEW);
    }

    /** The owner directory, by {@code CUSTOMER:id} / {@code PRODUCT:id}. */
    public ReadOnlyKeyValueStore<String, OwnerAssignment> owners() {
        return view(AlertingTopology.OWNERS_VIEW);
    }

    /** The alert {@code id}; empty when there is none or the view is not queryable now. */
    public Optional<Alert> alert(String id) {
        try {
            return Optional.ofNullable(alerts().get(id));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /** Counts of alerts by state, for the {@code forewarn_alerting_alerts} gauge; empty while the view loads. */
    public Map<AlertState, Long> countsByState() {
        Map<AlertState, Long> counts = new EnumMap<>(AlertState.class);
        try (KeyValueIterator<String, Alert> all = alerts().all()) {
            while (all.hasNext()) {
                counts.merge(all.next().value.getState(), 1L, Long::sum);
            }
        } catch (InvalidStateStoreException | NullPointerException e) {
            return Map.of();
        }
        return counts;
    }

    private <V> ReadOnlyKeyValueStore<String, V> view(String name) {
        KafkaStreams running = streams.get();
        if (running == null) {
            throw new InvalidStateStoreException("not started");
        }
        return running.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }
}
