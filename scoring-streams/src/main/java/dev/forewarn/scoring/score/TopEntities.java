package dev.forewarn.scoring.score;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@code size} highest-ranked entities with any risk (positive pressure) of one task ({@link dev.forewarn.scoring.model.RiskModel#rankKey}), mirrored
 * into a small store the queries read, so {@code /v1/risk/top} reads at most {@code size} entities per task instead
 * of scanning every state. The store is not changelogged: the scorer rebuilds it from the entity states when its task
 * starts.
 *
 * <p>A change of rank costs one map write ({@link #update}); the store follows at each {@link #refresh}, which the
 * scorer calls with each score pass, so the top is as current as the scores it writes. A refresh ranks the top's
 * members and the entities changed since the last one: an entity that did not change still ranks at or below the
 * lowest member of the last refresh, so the new top is exact unless a member fell below that line (or left) and some
 * unchanged entity may now rank above it; then, and only then, it ranks every entity once.
 */
final class TopEntities {

    private record Ranked(double rank, String id) implements Comparable<Ranked> {
        @Override
        public int compareTo(Ranked other) {
            int byRank = Double.compare(rank, other.rank);
            return byRank != 0 ? byRank : other.id.compareTo(id);
        }
    }

    private final int size;
    /** Every ranked entity's rank. */
    private final Map<String, Double> rankOf = new HashMap<>();
    /** Entities whose rank changed since the last refresh (ranked, unranked or moved). */
    private final Set<String> changed = new HashSet<>();
    /** The top as the store holds it. */
    private Set<String> members = new HashSet<>();
    /** The lowest member at the last refresh when the top was full; null when it was not (every ranked entity was in it). */
    private Ranked line;
    private KeyValueStore<String, Double> store;

    TopEntities(int size) {
        this.size = size;
    }

    /** Starts over on {@code store}: empties it; {@link #update} and a {@link #refresh} fill it again. */
    void init(KeyValueStore<String, Double> store) {
        this.store = store;
        rankOf.clear();
        changed.clear();
        members = new HashSet<>();
        line = null;
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, Double> all = store.all()) {
            all.forEachRemaining(entry -> stale.add(entry.key));
        }
        stale.forEach(store::delete);
    }

    /** Entity {@code id} now ranks {@code rank} ({@code -∞}: no risk at all, never in the top — most entities of a calm population). */
    void update(String id, double rank) {
        Double previous = rank != Double.NEGATIVE_INFINITY ? rankOf.put(id, rank) : rankOf.remove(id);
        if (previous == null ? rank != Double.NEGATIVE_INFINITY : previous != rank) {
            changed.add(id);
        }
    }

    /**
     * Writes the top as the ranks stand now: the store gets the entities that entered it and loses those that left (the
     * queries read the states; a member's value is its rank when it entered).
     */
    void refresh() {
        if (changed.isEmpty()) {
            return;
        }
        PriorityQueue<Ranked> best = new PriorityQueue<>(size + 1);
        int candidates = 0;
        for (String id : members) {
            candidates += offer(best, id) ? 1 : 0;
        }
        for (String id : changed) {
            if (!members.contains(id)) {
                candidates += offer(best, id) ? 1 : 0;
            }
        }
        boolean unchangedOutside = rankOf.size() > candidates;
        if (unchangedOutside && line != null && (best.size() < size || best.peek().compareTo(line) < 0)) {
            best.clear(); // a member fell below the line an unchanged entity may be above: rank them all
            rankOf.keySet().forEach(id -> offer(best, id));
        }
        Set<String> top = new HashSet<>();
        for (Ranked r : best) {
            top.add(r.id());
            if (!members.contains(r.id())) {
                store.put(r.id(), r.rank());
            }
        }
        for (String id : members) {
            if (!top.contains(id)) {
                store.delete(id);
            }
        }
        members = top;
        line = best.size() == size ? best.peek() : null;
        changed.clear();
    }

    /** Offers {@code id} at its current rank to the {@code size} best so far; false when it is not ranked. */
    private boolean offer(PriorityQueue<Ranked> best, String id) {
        Double rank = rankOf.get(id);
        if (rank == null) {
            return false;
        }
        Ranked lowest = best.peek();
        if (best.size() < size) {
            best.add(new Ranked(rank, id));
        } else if (rank > lowest.rank() || rank == lowest.rank() && id.compareTo(lowest.id()) < 0) {
            best.poll();
            best.add(new Ranked(rank, id));
        }
        return true;
    }
}
