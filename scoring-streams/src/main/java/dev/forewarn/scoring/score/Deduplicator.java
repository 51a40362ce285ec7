package dev.forewarn.scoring.score;

import dev.forewarn.scoring.model.Signal;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops a signal whose {@link Signal#identity() identity} (source system and event id) was seen
 * within the retention (of observed stream time): two systems that reuse an event id do not lose
 * each other's events. Signals are keyed by customer and a duplicate carries the same customer, so
 * the store is local.
 */
public final class Deduplicator implements FixedKeyProcessor<String, Signal, Signal> {

    private final String storeName;
    private final long retentionMs;
    private final Runnable duplicateCounter;
    private FixedKeyProcessorContext<String, Signal> context;
    private WindowStore<String, Long> seen;

    public Deduplicator(String storeName, Duration retention, Runnable duplicateCounter) {
        this.storeName = storeName;
        this.retentionMs = retention.toMillis();
        this.duplicateCounter = duplicateCounter;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Signal> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, Signal> record) {
        String eventId = record.value().identity();
        long now = Math.max(context.currentStreamTimeMs(), 0);
        try (WindowStoreIterator<Long> earlier = seen.fetch(eventId, now - retentionMs, now)) {
            if (earlier.hasNext()) {
                duplicateCounter.run();
                return;
            }
        }
        seen.put(eventId, now, now);
        context.forward(record);
    }
}
