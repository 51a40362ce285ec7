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
 * of scanning every state. The ranking of every entity of the task is held in memory (one small entry each, like the
 * due-time index): when an entity of the top falls, the best of the rest takes its place, so the store is always
 * exactly the top. The store is not changelogged: the scorer rebuilds it from the entity states when its task starts.
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
    /** Every other entity, below the lowest of the top. */
    private final NavigableSet<Ranked> rest = new TreeSet<>();
    private final Map<String, Double> rankOf = new HashMap<>();
    private KeyValueStore<String, Double> store;

    TopEntities(int size) {
        this.size = size;
    }

    /** Starts over on {@code store}: empties it, then {@link #update} fills it as the states are scanned. */
    void init(KeyValueStore<String, Double> store) {
        this.store = store;
        top.clear();
        rest.clear();
        rankOf.clear();
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, Double> all = store.all()) {
            all.forEachRemaining(entry -> stale.add(entry.key));
        }
        stale.forEach(store::delete);
    }

    /**
     * Entity {@code id} now ranks {@code rank}. The store holds the top's ids (the queries read the states): it is
     * written only when an entity enters or leaves the top, not each time one inside it moves.
     */
    void update(String id, double rank) {
        if (rank == Double.NEGATIVE_INFINITY) {
            // No risk at all (no positive pressure): never in the top, and not ranked — most entities of a calm
            // population are here, and their tie would cost every update a string comparison per tree level.
            Double previous = rankOf.remove(id);
            if (previous == null) {
                return;
            }
            Ranked old = new Ranked(previous, id);
            if (top.remove(old)) {
                store.delete(id);
                refill(id);
            } else {
                rest.remove(old);
            }
            return;
        }
        Double previous = rankOf.put(id, rank);
        if (previous != null && previous == rank) {
            return; // unchanged: it is where it was
        }
        boolean wasTop = false;
        if (previous != null) {
            Ranked old = new Ranked(previous, id);
            wasTop = top.remove(old);
            if (!wasTop) {
                rest.remove(old);
            }
        }
        rest.add(new Ranked(rank, id));
        refill(id);
        boolean isTop = top.contains(new Ranked(rank, id));
        if (isTop && !wasTop) {
            store.put(id, rank);
        } else if (!isTop && wasTop) {
            store.delete(id);
        }
    }

    /** The best of the rest joins the top while it beats the top's lowest or the top is not full ({@code id}'s own store write is its caller's). */
    private void refill(String id) {
        while (!rest.isEmpty() && (top.size() < size || rest.last().compareTo(top.first()) > 0)) {
            Ranked in = rest.pollLast();
            top.add(in);
            if (!in.id().equals(id)) {
                store.put(in.id(), in.rank());
            }
            if (top.size() > size) {
                Ranked out = top.pollFirst();
                rest.add(out);
                if (!out.id().equals(id)) {
                    store.delete(out.id());
                }
            }
        }
    }
}
