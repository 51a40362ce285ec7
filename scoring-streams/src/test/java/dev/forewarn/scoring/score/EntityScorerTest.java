package dev.forewarn.scoring.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.RiskScore;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.scoring.serde.EntityStateSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scorer's in-memory indexes (due times, scores not written yet) are rebuilt from the state
 * store when a task starts: what a committed state says is pending happens after a restart.
 */
class EntityScorerTest {

    private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final Duration SCORE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration STREAM_TIME_INTERVAL = Duration.ofMinutes(1);

    private KeyValueStore<String, EntityState> store;
    private KeyValueStore<String, Long> passes;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("customer-state"), Serdes.String(), new EntityStateSerde())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        passes = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("customer-score-passes"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        passes.init(new MockProcessorContext<>().getStateStoreContext(), passes);
    }

    private MockProcessorContext<String, SpecificRecord> started(EntityScorer scorer) {
        MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(T0);
        context.setCurrentStreamTimeMs(T0);
        context.addStateStore(store);
        context.addStateStore(passes);
        org.apache.kafka.streams.state.KeyValueStore<String, Double> top = org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore("customer-top"),
                org.apache.kafka.common.serialization.Serdes.String(), org.apache.kafka.common.serialization.Serdes.Double())
                .withLoggingDisabled().build();
        top.init(context.getStateStoreContext(), top);
        context.addStateStore(top);
        scorer.init(context);
        return context;
    }

    private static EntityScorer scorer() {
        return new EntityScorer(new EntityScorer.Settings(EntityType.CUSTOMER, "customer-state", "customer-score-passes", "customer-top", 1000,
                new RiskModel(RiskModel.Config.defaults()), STREAM_TIME_INTERVAL, Duration.ofSeconds(5), Duration.ofSeconds(30),
                SCORE_INTERVAL, 10_000, ScoringMetrics.NONE));
    }

    private static void punctuate(MockProcessorContext<String, SpecificRecord> context, PunctuationType type, Duration interval,
                                  long time) {
        context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == type && p.getInterval().equals(interval))
                .forEach(p -> p.getPunctuator().punctuate(time));
    }

    private static List<RiskScore> scores(MockProcessorContext<String, SpecificRecord> context) {
        return context.forwarded().stream().map(f -> f.record().value())
                .filter(RiskScore.class::isInstance).map(RiskScore.class::cast).toList();
    }

    private static Signal complaint(String customer, long at, long slaDueAt) {
        return Signal.complaint("e-1", customer, null, at, null, "K-1", ComplaintStatus.OPENED, 3, slaDueAt);
    }

    @Test
    void shouldWriteAScoreStillPendingInTheStoreAfterARestartAndOnlyOnce() {
        EntityScorer first = scorer();
        MockProcessorContext<String, SpecificRecord> before = started(first);
        first.process(new Record<>("C-1", complaint("C-1", T0, T0 + Duration.ofHours(4).toMillis()), T0));
        first.process(new Record<>("C-2", complaint("C-2", T0, T0 + Duration.ofHours(4).toMillis()), T0));
        punctuate(before, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0);
        assertThat(scores(before)).extracting(RiskScore::getEntityId).containsExactly("C-1", "C-2");
        first.process(new Record<>("C-2", complaint("C-2", T0 + 1, T0 + Duration.ofHours(4).toMillis()), T0 + 1));
        // the "crash": C-2's second change is stored, its score not written yet

        MockProcessorContext<String, SpecificRecord> after = started(scorer());
        punctuate(after, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0);

        assertThat(scores(after)).singleElement().satisfies(score -> {
            assertThat(score.getEntityId()).isEqualTo("C-2");
            assertThat(score.getCounts().getComplaints()).isEqualTo(2);
        });
        after.resetForwards();
        punctuate(after, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0 + 1000);
        assertThat(scores(after)).as("written once").isEmpty();
        MockProcessorContext<String, SpecificRecord> again = started(scorer());
        punctuate(again, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0 + 2000);
        assertThat(scores(again)).as("nothing pending after another restart").isEmpty();
    }

    @Test
    void shouldBreachAnSlaDueInTheStoredStateAfterARestart() {
        long due = T0 + Duration.ofHours(4).toMillis();
        EntityScorer first = scorer();
        started(first);
        first.process(new Record<>("C-1", complaint("C-1", T0, due), T0));

        MockProcessorContext<String, SpecificRecord> after = started(scorer());
        punctuate(after, PunctuationType.STREAM_TIME, STREAM_TIME_INTERVAL, due - 1);
        assertThat(store.get("C-1").breachedSlas).as("not due yet").isZero();
        punctuate(after, PunctuationType.STREAM_TIME, STREAM_TIME_INTERVAL, due);
        punctuate(after, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0);

        assertThat(store.get("C-1").breachedSlas).isEqualTo(1);
        assertThat(scores(after)).singleElement().satisfies(score -> assertThat(score.getBreachedSlas()).isEqualTo(1));
    }
}
