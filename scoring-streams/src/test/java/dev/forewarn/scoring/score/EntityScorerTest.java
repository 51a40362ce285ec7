package dev.forewarn.scoring.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.events.ComplaintStatus;
import dev.forewarn.events.EntityType;
import dev.forewarn.events.FeedbackType;
import dev.forewarn.events.RiskScore;
import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.scoring.model.Signal;
import dev.forewarn.scoring.serde.EntityStateSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    private static final Duration DEDUP_HORIZON = Duration.ofDays(7);

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

    private MockProcessorContext<String, Object> started(EntityScorer scorer) {
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
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
        return scorer(1000, ScoringMetrics.NONE);
    }

    private static EntityScorer scorer(int dedupMaxEvents, ScoringMetrics metrics) {
        return new EntityScorer(new EntityScorer.Settings(EntityType.CUSTOMER, "customer-state", "customer-score-passes", "customer-top", 1000,
                new RiskModel(RiskModel.Config.defaults()), STREAM_TIME_INTERVAL, Duration.ofSeconds(5), Duration.ofSeconds(30),
                SCORE_INTERVAL, 10_000, metrics, new EntityScorer.Dedup(DEDUP_HORIZON, dedupMaxEvents)));
    }

    /** The signals the customer scorer passed on for the product path, as product/source/eventId. */
    private static List<String> passedOn(MockProcessorContext<String, Object> context) {
        return context.forwarded().stream().filter(f -> f.record().value() instanceof Signal)
                .map(f -> f.record().key() + "/" + ((Signal) f.record().value()).source() + "/" + ((Signal) f.record().value()).eventId())
                .toList();
    }

    private static Signal negative(String eventId, String source, String product, long at) {
        return Signal.report(eventId, "C-1", product, at, null, FeedbackType.NEGATIVE, 4).withSource(source);
    }

    private static void punctuate(MockProcessorContext<String, Object> context, PunctuationType type, Duration interval,
                                  long time) {
        context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == type && p.getInterval().equals(interval))
                .forEach(p -> p.getPunctuator().punctuate(time));
    }

    private static List<RiskScore> scores(MockProcessorContext<String, Object> context) {
        return context.forwarded().stream().map(f -> f.record().value())
                .filter(RiskScore.class::isInstance).map(RiskScore.class::cast).toList();
    }

    private static Signal complaint(String customer, long at, long slaDueAt) {
        return Signal.complaint("e-" + customer + "-" + at, customer, null, at, null, "K-1", ComplaintStatus.OPENED, 3, slaDueAt);
    }

    @Test
    void shouldWriteAScoreStillPendingInTheStoreAfterARestartAndOnlyOnce() {
        EntityScorer first = scorer();
        MockProcessorContext<String, Object> before = started(first);
        first.process(new Record<>("C-1", complaint("C-1", T0, T0 + Duration.ofHours(4).toMillis()), T0));
        first.process(new Record<>("C-2", complaint("C-2", T0, T0 + Duration.ofHours(4).toMillis()), T0));
        punctuate(before, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0);
        assertThat(scores(before)).extracting(RiskScore::getEntityId).containsExactly("C-1", "C-2");
        first.process(new Record<>("C-2", complaint("C-2", T0 + 1, T0 + Duration.ofHours(4).toMillis()), T0 + 1));
        // the "crash": C-2's second change is stored, its score not written yet

        MockProcessorContext<String, Object> after = started(scorer());
        punctuate(after, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0);

        assertThat(scores(after)).singleElement().satisfies(score -> {
            assertThat(score.getEntityId()).isEqualTo("C-2");
            assertThat(score.getCounts().getComplaints()).isEqualTo(2);
        });
        after.resetForwards();
        punctuate(after, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0 + 1000);
        assertThat(scores(after)).as("written once").isEmpty();
        MockProcessorContext<String, Object> again = started(scorer());
        punctuate(again, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0 + 2000);
        assertThat(scores(again)).as("nothing pending after another restart").isEmpty();
    }

    @Test
    void shouldBreachAnSlaDueInTheStoredStateAfterARestart() {
        long due = T0 + Duration.ofHours(4).toMillis();
        EntityScorer first = scorer();
        started(first);
        first.process(new Record<>("C-1", complaint("C-1", T0, due), T0));

        MockProcessorContext<String, Object> after = started(scorer());
        punctuate(after, PunctuationType.STREAM_TIME, STREAM_TIME_INTERVAL, due - 1);
        assertThat(store.get("C-1").breachedSlas).as("not due yet").isZero();
        punctuate(after, PunctuationType.STREAM_TIME, STREAM_TIME_INTERVAL, due);
        punctuate(after, PunctuationType.WALL_CLOCK_TIME, SCORE_INTERVAL, T0);

        assertThat(store.get("C-1").breachedSlas).isEqualTo(1);
        assertThat(scores(after)).singleElement().satisfies(score -> assertThat(score.getBreachedSlas()).isEqualTo(1));
    }

    @Test
    void shouldDropASignalRedeliveredWithinTheHorizonEvenAfterARestartAndPassEachNewOneToProductsOnce() {
        EntityScorer scorer = scorer();
        MockProcessorContext<String, Object> context = started(scorer);
        scorer.process(new Record<>("C-1", negative("e-1", "crm", "P-1", T0), T0));
        scorer.process(new Record<>("C-1", negative("e-1", "crm", "P-1", T0), T0)); // redelivered
        scorer.process(new Record<>("C-1", negative("e-1", "shop", "P-1", T0), T0)); // another system reuses the id
        scorer.process(new Record<>("C-1", negative("e-2", "crm", null, T0), T0)); // no product: nothing to pass on

        assertThat(store.get("C-1").negativeReports).isEqualTo(3);
        assertThat(passedOn(context)).containsExactly("P-1/crm/e-1", "P-1/shop/e-1");

        EntityScorer restarted = scorer(); // all it knows is the store
        MockProcessorContext<String, Object> after = started(restarted);
        after.setCurrentStreamTimeMs(T0 + DEDUP_HORIZON.toMillis());
        restarted.process(new Record<>("C-1", negative("e-1", "crm", "P-1", T0), T0)); // at the horizon's edge: still a redelivery
        assertThat(store.get("C-1").negativeReports).isEqualTo(3);
        assertThat(passedOn(after)).isEmpty();

        after.setCurrentStreamTimeMs(T0 + DEDUP_HORIZON.toMillis() + 1);
        restarted.process(new Record<>("C-1", negative("e-1", "crm", "P-1", T0), T0)); // beyond it: a new event
        assertThat(store.get("C-1").negativeReports).isEqualTo(4);
        assertThat(passedOn(after)).containsExactly("P-1/crm/e-1");
        assertThat(store.get("C-1").recentEvents.size()).as("the expired ones are forgotten").isEqualTo(1);
    }

    @Test
    void shouldSayWhenTheBoundMadeItForgetAnEventBeforeTheHorizon() {
        int[] forgotten = {0};
        int[] duplicates = {0};
        ScoringMetrics counting = new ScoringMetrics() {
            @Override
            public void dedupForgotten() {
                forgotten[0]++;
            }

            @Override
            public void duplicate() {
                duplicates[0]++;
            }
        };
        EntityScorer scorer = scorer(2, counting);
        started(scorer);
        for (String id : List.of("e-1", "e-2", "e-3", "e-3", "e-1")) {
            scorer.process(new Record<>("C-1", negative(id, "crm", null, T0), T0));
        }

        assertThat(duplicates[0]).as("e-3 redelivered").isEqualTo(1);
        assertThat(forgotten[0]).as("e-1 forgotten for e-3, then e-2 for e-1's return").isEqualTo(2);
        assertThat(store.get("C-1").negativeReports).as("e-1 counted twice, and the metric says so").isEqualTo(4);
    }
}
