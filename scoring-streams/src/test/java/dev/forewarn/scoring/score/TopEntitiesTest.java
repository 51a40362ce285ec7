package dev.forewarn.scoring.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forewarn.scoring.model.EntityState;
import dev.forewarn.scoring.model.RiskModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class TopEntitiesTest {

    private static KeyValueStore<String, Double> store() {
        KeyValueStore<String, Double> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("top"), Serdes.String(),
                Serdes.Double()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    private static List<String> ids(KeyValueStore<String, Double> store) {
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, Double> all = store.all()) {
            all.forEachRemaining(e -> ids.add(e.key));
        }
        return ids;
    }

    @Test
    void shouldHoldExactlyTheHighestRankedEntitiesAfterEachRefresh() {
        KeyValueStore<String, Double> store = store();
        store.put("stale", 99.0); // left by an earlier run of the task: a restart starts over
        TopEntities top = new TopEntities(3);
        top.init(store);
        assertThat(ids(store)).isEmpty();

        top.update("a", 1);
        top.update("b", 5);
        top.update("c", 3);
        top.update("d", 4);
        assertThat(ids(store)).as("the store follows at the refresh").isEmpty();
        top.refresh();
        assertThat(ids(store)).containsExactlyInAnyOrder("b", "c", "d");
        top.update("b", 0.5); // falls below a, which did not change since: a takes its place
        top.update("e", Double.NEGATIVE_INFINITY);
        top.refresh();
        assertThat(ids(store)).containsExactlyInAnyOrder("a", "c", "d");
        top.update("d", 0.1); // falls below everything but e
        top.refresh();
        assertThat(ids(store)).containsExactlyInAnyOrder("a", "b", "c");
        top.update("c", Double.NEGATIVE_INFINITY); // no risk left: out, and d takes its place
        top.refresh();
        assertThat(ids(store)).containsExactlyInAnyOrder("a", "b", "d");
        top.update("x", Double.NEGATIVE_INFINITY);
        top.update("y", Double.NEGATIVE_INFINITY);
        top.update("a", Double.NEGATIVE_INFINITY);
        top.refresh();
        assertThat(ids(store)).as("entities without any risk never fill the top").containsExactlyInAnyOrder("b", "d");
        top.update("a", 2);
        top.refresh();
        assertThat(ids(store)).containsExactlyInAnyOrder("a", "b", "d");
    }

    @Test
    void shouldHoldTheExactTopAfterEachRefreshThroughRisesFallsAndEntitiesLosingAllRisk() {
        Random random = new Random(3);
        for (int round = 0; round < 40; round++) {
            KeyValueStore<String, Double> store = store();
            TopEntities top = new TopEntities(5);
            top.init(store);
            Map<String, Double> ranks = new HashMap<>();
            int population = 5 + random.nextInt(200);
            int batch = 1 + random.nextInt(round % 2 == 0 ? 3 : 40); // refreshed after one change or after many
            for (int step = 0; step < 3_000; step++) {
                String id = "E" + random.nextInt(population);
                // few distinct ranks (ties, broken by id), falls as often as rises, and now and then no risk at all
                double rank = random.nextInt(10) == 0 ? Double.NEGATIVE_INFINITY : random.nextInt(40);
                top.update(id, rank);
                if (rank == Double.NEGATIVE_INFINITY) {
                    ranks.remove(id);
                } else {
                    ranks.put(id, rank);
                }
                if (step % batch == 0) {
                    top.refresh();
                    List<String> expected = ranks.entrySet().stream()
                            .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                            .limit(5).map(Map.Entry::getKey).toList();
                    assertThat(ids(store)).as("round %d step %d", round, step).containsExactlyInAnyOrderElementsOf(expected);
                }
            }
        }
    }

    @Test
    void shouldRankEntitiesAsTheirScoresWouldRankThemAtAnyCommonTime() {
        RiskModel model = new RiskModel(RiskModel.Config.defaults());
        Random random = new Random(7);
        Map<String, EntityState> states = new HashMap<>();
        long t0 = 1_780_000_000_000L;
        for (int i = 0; i < 200; i++) {
            EntityState s = new EntityState();
            s.pressure = random.nextDouble() * 60 - 5;
            s.pressureAt = t0 + random.nextInt(30) * 86_400_000L;
            states.put("E" + i, s);
        }
        long later = t0 + 40 * 86_400_000L;
        List<String> byScore = states.keySet().stream().filter(id -> states.get(id).pressure > 0)
                .sorted(Comparator.comparingDouble((String id) -> model.score(states.get(id), later)).reversed()).toList();
        List<String> byRank = states.keySet().stream().filter(id -> states.get(id).pressure > 0)
                .sorted(Comparator.comparingDouble((String id) -> model.rankKey(states.get(id))).reversed()).toList();

        assertThat(byRank).isEqualTo(byScore);
    }
}
