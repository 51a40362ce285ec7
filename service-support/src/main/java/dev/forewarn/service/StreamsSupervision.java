package dev.forewarn.service;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uncaught-exception policy of every Kafka Streams service: a failed stream thread is replaced
 * up to {@link #MAX_THREAD_REPLACEMENTS} times (a transient fault such as a lost broker
 * connection); after that the client shuts down. State changes are logged; the returned latch is
 * counted down when the client reaches ERROR, for {@link Lifecycle#exitWhen}.
 */
public final class StreamsSupervision {

    public static final int MAX_THREAD_REPLACEMENTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(StreamsSupervision.class);

    private StreamsSupervision() {
    }

    /** Installs the policy and the state listener on {@code streams}, before it starts. */
    public static CountDownLatch supervise(KafkaStreams streams) {
        AtomicInteger replacements = new AtomicInteger();
        streams.setUncaughtExceptionHandler(error -> {
            if (replacements.incrementAndGet() <= MAX_THREAD_REPLACEMENTS) {
                LOG.error("stream thread failed; replacing it ({} of {})", replacements.get(), MAX_THREAD_REPLACEMENTS, error);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            LOG.error("stream thread failed again; shutting down so the process exits and is restarted", error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        CountDownLatch failed = new CountDownLatch(1);
        streams.setStateListener((next, previous) -> {
            LOG.info("Kafka Streams {} -> {}", previous, next);
            if (next == KafkaStreams.State.ERROR) {
                failed.countDown();
            }
        });
        return failed;
    }

    /**
     * Closes {@code streams} (commits, flushes state) and leaves the consumer group, so the
     * partitions are reassigned at once instead of after the session timeout (45 s): without
     * static membership a restarted instance joins as a new member anyway.
     */
    public static void close(KafkaStreams streams, java.time.Duration timeout) {
        streams.close(org.apache.kafka.streams.CloseOptions
                .groupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
    }
}
