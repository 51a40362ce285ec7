package dev.forewarn.alerting.delivery;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which outbox offsets may be committed while notifications complete out of order: per partition,
 * everything below the oldest notification still being delivered. So a crash re-delivers exactly
 * the unfinished ones (and perhaps some finished after them), never skips one.
 */
final class OffsetTracker {

    private final Map<TopicPartition, TreeSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private int inFlight;

    synchronized void started(TopicPartition partition, long offset) {
        pending.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        next.merge(partition, offset + 1, Math::max);
        inFlight++;
    }

    synchronized void finished(TopicPartition partition, long offset) {
        TreeSet<Long> offsets = pending.get(partition);
        if (offsets != null && offsets.remove(offset)) {
            inFlight--;
        }
    }

    synchronized int inFlight() {
        return inFlight;
    }

    /** Unfinished records of {@code topic}'s partitions. */
    synchronized int inFlight(String topic) {
        int count = 0;
        for (Map.Entry<TopicPartition, TreeSet<Long>> e : pending.entrySet()) {
            if (e.getKey().topic().equals(topic)) {
                count += e.getValue().size();
            }
        }
        return count;
    }

    /** Offsets to commit that moved since the last call. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        next.forEach((partition, nextOffset) -> {
            TreeSet<Long> offsets = pending.get(partition);
            long safe = offsets == null || offsets.isEmpty() ? nextOffset : offsets.first();
            if (!Long.valueOf(safe).equals(committed.get(partition))) {
                result.put(partition, new OffsetAndMetadata(safe));
            }
        });
        return result;
    }

    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    /** Forgets revoked partitions: their unfinished notifications are re-delivered by the new owner. */
    synchronized void revoked(Iterable<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            TreeSet<Long> offsets = pending.remove(partition);
            if (offsets != null) {
                inFlight -= offsets.size();
            }
            next.remove(partition);
            committed.remove(partition);
        }
    }
}
