package dev.forewarn.scoring.score;

import dev.forewarn.events.Contribution;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskScore;
import dev.forewarn.events.RiskTransition;
import dev.forewarn.events.SignalCounts;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores one kind of entity (customers, or products after the repartition): applies each signal
 * to the entity's state with {@link RiskModel}, emits the entity's {@link RiskScore} and any
 * {@link RiskTransition}s, and does time-driven work (SLA breaches, decay) on <em>observed
 * time</em>: stream time while records flow, wall-clock time once this task's input has been idle
 * for {@code idleAfter}. Entities with work due are found through a timer index ordered by due
 * time; each punctuation handles at most {@code maxTimersPerPunctuation} of them.
 */
public final class EntityScorer implements Processor<String, Signal, String, SpecificRecord> {

    /** How the scorer is set up. */
    public record Settings(EntityType entityType, String stateStore, String timerStore, RiskModel model,
                           Duration streamTimeInterval, Duration wallClockInterval, Duration idleAfter,
                           int maxTimersPerPunctuation, ScoringMetrics metrics) {
    }

    private final Settings settings;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, EntityState> states;
    private KeyValueStore<Bytes, String> timers;
    private long lastRecordWallClock;

    public EntityScorer(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.states = context.getStateStore(settings.stateStore());
        this.timers = context.getStateStore(settings.timerStore());
        this.lastRecordWallClock = context.currentSystemTimeMs();
        context.schedule(settings.streamTimeInterval(), PunctuationType.STREAM_TIME, this::runDue);
        context.schedule(settings.wallClockInterval(), PunctuationType.WALL_CLOCK_TIME, wallClock -> {
            if (wallClock - lastRecordWallClock >= settings.idleAfter().toMillis()) {
                runDue(Math.max(context.currentStreamTimeMs(), wallClock));
            }
        });
    }

    @Override
    public void process(Record<String, Signal> record) {
        lastRecordWallClock = context.currentSystemTimeMs();
        Signal signal = record.value();
        String id = record.key();
        EntityState state = states.get(id);
        if (state == null) {
            state = new EntityState();
        }
        List<RiskModel.Transition> transitions = settings.model().apply(state, signal);
        save(id, state);
        settings.metrics().scored(settings.entityType(), signal.kind(), context.currentSystemTimeMs() - signal.occurredAt());
        emit(id, state, transitions, state.evaluatedAt);
    }

    /** Time-driven work due up to {@code observed}, bounded per call; the rest waits for the next call. */
    private void runDue(long observed) {
        List<KeyValue<Bytes, String>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> entries = timers.range(timerKey(0, ""), timerKey(observed + 1, ""))) {
            while (entries.hasNext() && due.size() < settings.maxTimersPerPunctuation()) {
                KeyValue<Bytes, String> entry = entries.next();
                if (ByteBuffer.wrap(entry.key.get()).getLong() <= observed) {
                    due.add(entry);
                }
            }
        }
        for (KeyValue<Bytes, String> entry : due) {
            String id = entry.value;
            EntityState state = states.get(id);
            if (state == null) {
                timers.delete(entry.key);
                continue;
            }
            List<RiskModel.Transition> transitions = settings.model().advance(state, observed);
            save(id, state);
            emit(id, state, transitions, Math.max(state.evaluatedAt, 0));
        }
    }

    /** Stores the state and keeps its single timer index entry at its next due time. */
    private void save(String id, EntityState state) {
        long next = settings.model().nextDue(state);
        if (next != state.scheduledAt) {
            if (state.scheduledAt != EntityState.NONE) {
                timers.delete(timerKey(state.scheduledAt, id));
            }
            if (next != EntityState.NONE) {
                timers.put(timerKey(next, id), id);
            }
            state.scheduledAt = next;
        }
        states.put(id, state);
    }

    /** Due time (big-endian, so the store's byte order is time order), then the entity id. */
    static Bytes timerKey(long due, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + idBytes.length).putLong(due).put(idBytes).array());
    }

    private String entityKey(String id) {
        return settings.entityType().name() + ":" + id;
    }

    private void emit(String id, EntityState state, List<RiskModel.Transition> transitions, long at) {
        String key = entityKey(id);
        RiskModel model = settings.model();
        List<Contribution> top = contributions(state, at);
        for (RiskModel.Transition t : transitions) {
            settings.metrics().transition(settings.entityType(), t.kind(), t.to());
            RiskTransition transition = RiskTransition.newBuilder()
                    .setTransitionId(UUID.nameUUIDFromBytes((key + "|" + t.kind() + "|" + t.to() + "|" + t.occurredAt())
                            .getBytes(StandardCharsets.UTF_8)).toString())
                    .setEntityType(settings.entityType()).setEntityId(id).setKind(t.kind())
                    .setFromLevel(t.from()).setToLevel(t.to()).setScore(t.score()).setPreviousScore(t.previousScore())
                    .setProjectedCriticalAt(instant(t.projectedCriticalAt())).setTopContributors(top)
                    .setTriggeringEventId(t.triggeringEventId()).setSignalOccurredAt(instant(t.signalOccurredAt()))
                    .setOccurredAt(Instant.ofEpochMilli(t.occurredAt()))
                    .build();
            context.forward(new Record<String, SpecificRecord>(key, transition, t.occurredAt()));
        }
        double score = model.score(state, at);
        settings.metrics().score(settings.entityType(), score);
        long projected = model.projectCritical(state, at);
        RiskScore riskScore = RiskScore.newBuilder()
                .setEntityType(settings.entityType()).setEntityId(id)
                .setScore(score).setLevel(state.level)
                .setPressure(Math.max(0, model.pressureAt(state, at))).setReferenceTime(Instant.ofEpochMilli(at))
                .setInflowPerDay(model.inflowPerDay(state, at)).setProjectedCriticalAt(instant(projected))
                .setTopContributors(top)
                .setCounts(new SignalCounts(state.negativeReports, state.improvementReports, state.confirmationReports,
                        state.complaints, state.returns))
                .setOpenComplaints(state.openComplaints.size()).setBreachedSlas(state.breachedSlas)
                .setLastSignalAt(instant(state.lastSignalAt)).setUpdatedAt(Instant.ofEpochMilli(at))
                .build();
        context.forward(new Record<String, SpecificRecord>(key, riskScore, at));
    }

    private List<Contribution> contributions(EntityState state, long at) {
        List<Contribution> top = new ArrayList<>(state.top.size());
        double halfLife = settings.model().config().halfLife().toMillis();
        for (EntityState.Contributor c : state.top) {
            top.add(new Contribution(c.eventId(), c.kind(), c.productId(), Instant.ofEpochMilli(c.occurredAt()), c.weight(),
                    c.weight() * Math.pow(2, -(at - c.occurredAt()) / halfLife)));
        }
        return top;
    }

    private static Instant instant(long millis) {
        return millis == EntityState.NONE ? null : Instant.ofEpochMilli(millis);
    }
}
