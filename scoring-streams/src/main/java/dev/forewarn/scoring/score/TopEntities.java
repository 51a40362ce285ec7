package dev.forewarn.scoring.score;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@code size} highest-ranked entities with any risk (positive pressure) of one task ({@link dev.forewarn.scoring.model.RiskModel#rankKey}), mirrored
 * into a small store the queries read, so {@code /v1/risk/top} reads at most {@code size} entities per task instead
 * of scanning every state. The store is not changelogged: the scorer rebuilds it from the entity states when its task
 * starts.
 *
 * <p>Every ranked entity's rank is held in memory (one small entry each, like the due-time index), but only the top
 * and a reserve of the next best (at most {@code size} each) are kept in order; every other entity ranks at or below
 * the lowest kept one. An update of such an entity that stays below costs one map write and one comparison — most
 * entities of a large population, on most signals. When an entity of the top falls, the best of the reserve takes its
 * place, so the store is always exactly the top; when the reserve runs dry while some entities are outside both, one
 * scan of the ranks refills it (once per {@code size} falls at most).
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
    /** The top {@code size}, mirrored in the store. */
    private final NavigableSet<Ranked> top = new TreeSet<>();
    /** The next best after the top, at most {@code size}; every entity in neither ranks below all of these. */
    private final NavigableSet<Ranked> reserve = new TreeSet<>();
    /** Every ranked entity's rank: those of the top, of the reserve, and the rest. */
    private final Map<String, Double> rankOf = new HashMap<>();
    private KeyValueStore<String, Double> store;

    TopEntities(int size) {
        this.size = size;
    }

    /** Starts over on {@code store}: empties it, then {@link #update} fills it as the states are scanned. */
    void init(KeyValueStore<String, Double> store) {
        this.store = store;
        top.clear();
        reserve.clear();
        rankOf.clear();
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, Double> all = store.all()) {
            all.forEachRemaining(entry -> stale.add(entry.key));
        }
        stale.forEach(store::delete);
    }

    /**
     * Entity {@code id} now ranks {@code rank} ({@code -∞}: no risk at all, never in the top, and not ranked — most
     * entities of a calm population). The store holds the top's ids (the queries read the states): it is written only
     * when an entity enters or leaves the top, not each time one inside it moves.
     */
    void update(String id, double rank) {
        boolean ranked = rank != Double.NEGATIVE_INFINITY;
        Double previous = ranked ? rankOf.put(id, rank) : rankOf.remove(id);
        if (previous == null && !ranked || previous != null && previous == rank) {
            return; // unranked and still so, or unchanged: it is where it was
        }
        boolean wasTop = false;
        if (previous != null) {
            Ranked old = new Ranked(previous, id);
            wasTop = top.remove(old);
            if (!wasTop) {
                reserve.remove(old);
            }
        }
        Ranked now = new Ranked(rank, id);
        Ranked lowest = lowestKept();
        if (ranked && (outside() == 1 || lowest == null || now.compareTo(lowest) >= 0)) {
            reserve.add(now); // else it stays outside, below every kept entity
        }
        rebalance(id);
        boolean isTop = ranked && top.contains(now);
        if (isTop && !wasTop) {
            store.put(id, rank);
        } else if (!isTop && wasTop) {
            store.delete(id);
        }
    }

    /** How many ranked entities are in neither the top nor the reserve. */
    private int outside() {
        return rankOf.size() - top.size() - reserve.size();
    }

    /** The lowest entity kept in order (the reserve's lowest, else the top's); null when none is. */
    private Ranked lowestKept() {
        return !reserve.isEmpty() ? reserve.first() : top.isEmpty() ? null : top.first();
    }

    /**
     * The top takes the best of the reserve while it beats the top's lowest or the top is not full; the reserve is
     * refilled or trimmed ({@code id}'s own store write is its caller's).
     */
    private void rebalance(String id) {
        if (top.size() + reserve.size() < size && outside() > 0) {
            refillReserve();
        }
        while (!reserve.isEmpty() && (top.size() < size || reserve.last().compareTo(top.first()) > 0)) {
            Ranked in = reserve.pollLast();
            top.add(in);
            if (!in.id().equals(id)) {
                store.put(in.id(), in.rank());
            }
            if (top.size() > size) {
                Ranked out = top.pollFirst();
                reserve.add(out);
                if (!out.id().equals(id)) {
                    store.delete(out.id());
                }
            }
        }
        while (reserve.size() > size) {
            reserve.pollFirst(); // outside now, below every kept entity
        }
    }

    /** One scan of every rank: the best {@code size} of those outside join the reserve. */
    private void refillReserve() {
        NavigableSet<Ranked> best = new TreeSet<>();
        rankOf.forEach((id, rank) -> {
            Ranked candidate = new Ranked(rank, id);
            if ((best.size() < size || candidate.compareTo(best.first()) > 0) && !top.contains(candidate) && !reserve.contains(candidate)) {
                best.add(candidate);
                if (best.size() > size) {
                    best.pollFirst();
                }
            }
        });
        reserve.addAll(best);
    }
}
