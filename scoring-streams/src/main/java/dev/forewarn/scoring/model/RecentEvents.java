package dev.forewarn.scoring.model;

import java.util.Arrays;

/**
 * The events one customer was seen with lately, for deduplication inside the customer's own state:
 * each as the 64-bit hash of its identity ({@link Signal#identityHash()}) and the stream time it was
 * first seen, oldest first (stream time never goes back within a task, so appending keeps the order).
 * Sixteen bytes an event; a customer with a few signals a week keeps a few of them.
 */
public final class RecentEvents {

    private static final long[] EMPTY = new long[0];

    private long[] hashes = EMPTY;
    private long[] times = EMPTY;
    private int size;

    /** Forgets the events first seen before {@code horizon}. */
    public void expireBefore(long horizon) {
        int expired = 0;
        while (expired < size && times[expired] < horizon) {
            expired++;
        }
        if (expired > 0) {
            System.arraycopy(hashes, expired, hashes, 0, size - expired);
            System.arraycopy(times, expired, times, 0, size - expired);
            size -= expired;
        }
    }

    /** Whether an event with this hash was first seen at or after {@code horizon}. */
    public boolean seenSince(long hash, long horizon) {
        for (int i = size - 1; i >= 0; i--) { // every entry: a time out of order (a restored stream time) is not trusted to end it
            if (hashes[i] == hash && times[i] >= horizon) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers an event first seen at {@code at}, not before the latest one remembered. Holds at most {@code max}: when full the
     * oldest is forgotten first, and the answer is true (a redelivery of it would then count again — the caller says so).
     */
    public boolean remember(long hash, long at, int max) {
        boolean forgot = false;
        if (size >= max) {
            int drop = size - max + 1;
            System.arraycopy(hashes, drop, hashes, 0, size - drop);
            System.arraycopy(times, drop, times, 0, size - drop);
            size -= drop;
            forgot = true;
        }
        if (size == hashes.length) {
            int capacity = Math.max(4, size * 2);
            hashes = Arrays.copyOf(hashes, capacity);
            times = Arrays.copyOf(times, capacity);
        }
        hashes[size] = hash;
        times[size] = at;
        size++;
        return forgot;
    }

    public int size() {
        return size;
    }

    public long hash(int i) {
        return hashes[i];
    }

    public long time(int i) {
        return times[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentEvents r && size == r.size && Arrays.equals(hashes, 0, size, r.hashes, 0, size)
                && Arrays.equals(times, 0, size, r.times, 0, size);
    }

    @Override
    public int hashCode() {
        return size;
    }
}
