package dev.forewarn.scoring.score;

import dev.forewarn.events.Contribution;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.topics.TopicCatalogue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores one kind of entity (customers, or products after the repartition): applies each signal
 * to the entity's state with {@link RiskModel}, emits any {@link RiskTransition} at once and the
 * entity's latest {@link RiskScore} at most once per {@code scoreInterval}, and does time-driven
 * work (SLA breaches, decay) on <em>observed time</em>: stream time while records flow, wall-clock
 * time once this task's input has been idle for {@code idleAfter}.
 *
 * <p>Two indexes live in memory only and are rebuilt from the state store when the task starts,
 * so they cost no changelog writes: the entities by their next due time (each time-driven pass
 * handles at most {@code maxTimersPerPunctuation} of them), and the entities whose latest score
 * is not written yet. For the latter every change stamps the state with the task's next change
 * number ({@link EntityState#changeSeq}), and each score pass stores the number it got to in a
 * one-entry store, in the same transaction as the scores it wrote: after a restart, whatever
 * happened between a commit and the next pass (a rebalance, a crash), the entities stamped after
 * the stored number are the ones whose score is still to be written.
 *
 * <p>The customer scorer also deduplicates ({@link Dedup}): the customer's state remembers the
 * identities of its recent events ({@link EntityState#recentEvents}), so a redelivered signal is
 * dropped by the same read and write that scores it, with no store or changelog of its own. It
 * passes each new signal that names a product on, keyed by that product (a {@link Signal} among
 * its outputs, for the product repartition): the product path sees every event once.
 */
public final class EntityScorer implements Processor<String, Signal, String, Object> {

    /** How the scorer is set up; {@code dedup} is null for products (the customer scorer passes them each event once). */
    public record Settings(EntityType entityType, String stateStore, String passStore, String topStore, int topSize, RiskModel model,
                           Duration streamTimeInterval, Duration wallClockInterval, Duration idleAfter, Duration scoreInterval,
                           int maxTimersPerPunctuation, ScoringMetrics metrics, Dedup dedup) {
    }

    /** Deduplication: a signal whose identity the entity was seen with within {@code retention} of stream time is dropped. */
    public record Dedup(Duration retention, int maxEvents) {
        long retentionMs() {
            return retention.toMillis();
        }
    }

    /** An entity's next due time, ordered by time then id. */
    private record Due(long at, String id) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    /** The one key of the pass store: the change number the last score pass got to. */
    private static final String PASSED = "passed";

    private final Settings settings;
    private final NavigableSet<Due> due = new TreeSet<>();
    /** Entities whose latest score is not written yet, with their current state (saves reading it back). */
    private final Map<String, EntityState> pending = new LinkedHashMap<>();
    /** The task's highest-ranked entities, for the top queries. */
    private final TopEntities top;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, EntityState> states;
    private KeyValueStore<String, Long> passes;
    private long changeSeq;
    private long lastRecordWallClock;

    public EntityScorer(Settings settings) {
        this.settings = settings;
        this.top = new TopEntities(settings.topSize());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(settings.stateStore());
        this.passes = context.getStateStore(settings.passStore());
        this.lastRecordWallClock = context.currentSystemTimeMs();
        // Called after the state is restored, and again when a task is revived: start from the store.
        due.clear();
        pending.clear();
        top.init(context.getStateStore(settings.topStore()));
        long passed = Objects.requireNonNullElse(passes.get(PASSED), 0L);
        changeSeq = passed;
        try (KeyValueIterator<String, EntityState> all = states.all()) {
            while (all.hasNext()) {
                KeyValue<String, EntityState> entry = all.next();
                if (entry.value.scheduledAt != EntityState.NONE) {
                    due.add(new Due(entry.value.scheduledAt, entry.key));
                }
                if (entry.value.changeSeq > passed) {
                    pending.put(entry.key, entry.value);
                }
                top.update(entry.key, settings.model().rankKey(entry.value));
                changeSeq = Math.max(changeSeq, entry.value.changeSeq);
            }
        }
        top.refresh();
        context.schedule(settings.streamTimeInterval(), PunctuationType.STREAM_TIME, this::runDue);
        context.schedule(settings.wallClockInterval(), PunctuationType.WALL_CLOCK_TIME, wallClock -> {
            if (wallClock - lastRecordWallClock >= settings.idleAfter().toMillis()) {
                runDue(Math.max(context.currentStreamTimeMs(), wallClock));
            }
        });
        context.schedule(settings.scoreInterval(), PunctuationType.WALL_CLOCK_TIME, wallClock -> emitPendingScores());
    }

    @Override
    public void process(Record<String, Signal> record) {
        lastRecordWallClock = context.currentSystemTimeMs();
        Signal signal = record.value();
        String id = record.key();
        EntityState state = current(id);
        if (state == null) {
            state = new EntityState();
        }
        if (settings.dedup() != null && !firstSighting(state, signal)) {
            settings.metrics().duplicate();
            return;
        }
        List<RiskModel.Transition> transitions = settings.model().apply(state, signal);
        save(id, state);
        settings.metrics().scored(settings.entityType(), signal.kind(), context.currentSystemTimeMs() - signal.occurredAt());
        emitTransitions(id, state, transitions, record.headers().lastHeader(TopicCatalogue.INGESTED_AT_HEADER));
        if (settings.entityType() == EntityType.CUSTOMER && signal.productId() != null) {
            context.forward(new Record<String, Object>(signal.productId(), signal, record.timestamp(), record.headers()));
        }
    }

    /** Whether the entity was not seen with this signal's identity within the horizon; if so, it is now. */
    private boolean firstSighting(EntityState state, Signal signal) {
        long now = Math.max(context.currentStreamTimeMs(), 0);
        long horizon = now - settings.dedup().retentionMs();
        long identity = signal.identityHash();
        if (state.recentEvents.seenSince(identity, horizon)) {
            return false; // the state is left as it was: nothing to save
        }
        state.recentEvents.expireBefore(horizon);
        if (state.recentEvents.remember(identity, now, settings.dedup().maxEvents())) {
            settings.metrics().dedupForgotten();
        }
        return true;
    }

    /** Time-driven work due up to {@code observed}, bounded per call; the rest waits for the next call. */
    private void runDue(long observed) {
        for (int handled = 0; handled < settings.maxTimersPerPunctuation() && !due.isEmpty() && due.first().at() <= observed;
             handled++) {
            Due next = due.pollFirst();
            EntityState state = current(next.id());
            if (state == null || state.scheduledAt != next.at()) {
                continue; // deleted, or rescheduled since
            }
            state.scheduledAt = EntityState.NONE; // out of the index now: save() puts it back at its next due time
            if (settings.dedup() != null) {
                state.recentEvents.expireBefore(Math.max(context.currentStreamTimeMs(), 0) - settings.dedup().retentionMs());
            }
            List<RiskModel.Transition> transitions = settings.model().advance(state, observed);
            save(next.id(), state);
            emitTransitions(next.id(), state, transitions, null);
        }
    }

    /** The entity's state: the object saved last if its score is still pending (as stored, without decoding it again), else the store's. */
    private EntityState current(String id) {
        EntityState state = pending.get(id);
        return state != null ? state : states.get(id);
    }

    /** Stores the changed state, keeps its due-time entry current and marks its score to be written. */
    private void save(String id, EntityState state) {
        long next = settings.model().nextDue(state);
        if (next != state.scheduledAt) {
            if (state.scheduledAt != EntityState.NONE) {
                due.remove(new Due(state.scheduledAt, id));
            }
            if (next != EntityState.NONE) {
                due.add(new Due(next, id));
            }
            state.scheduledAt = next;
        }
        state.changeSeq = ++changeSeq;
        states.put(id, state);
        pending.put(id, state);
        top.update(id, settings.model().rankKey(state));
    }

    /** Brings the top up to date and writes the latest score of every entity changed since the last pass, once each, and how far it got. */
    private void emitPendingScores() {
        top.refresh();
        if (pending.isEmpty()) {
            return;
        }
        pending.forEach(this::emitScore);
        pending.clear();
        passes.put(PASSED, changeSeq);
    }

    private String entityKey(String id) {
        return settings.entityType().name() + ":" + id;
    }

    /**
     * Writes the transitions; one caused by a signal ingest-service took carries its {@code forewarn-ingested-at}
     * header, so alerting measures the pipeline's latency from it (time-driven ones carry none).
     */
    private void emitTransitions(String id, EntityState state, List<RiskModel.Transition> transitions, Header ingestedAt) {
        if (transitions.isEmpty()) {
            return;
        }
        String key = entityKey(id);
        List<Contribution> top = RiskRecords.contributions(settings.model(), state, state.evaluatedAt);
        for (RiskModel.Transition t : transitions) {
            settings.metrics().transition(settings.entityType(), t.kind(), t.to());
            RiskTransition transition = RiskRecords.transition(settings.entityType(), id, t, top);
            Headers headers = new RecordHeaders();
            if (ingestedAt != null) {
                headers.add(ingestedAt);
            }
            context.forward(new Record<String, Object>(key, transition, t.occurredAt(), headers));
        }
    }

    /** The entity's score at its own clock ({@link EntityState#evaluatedAt}). */
    private void emitScore(String id, EntityState state) {
        RiskScore riskScore = RiskRecords.score(settings.model(), settings.entityType(), id, state);
        settings.metrics().score(settings.entityType(), riskScore.getScore());
        context.forward(new Record<String, Object>(entityKey(id), riskScore, riskScore.getUpdatedAt().toEpochMilli()));
    }
}
