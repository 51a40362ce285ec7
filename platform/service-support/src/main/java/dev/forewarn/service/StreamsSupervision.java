package dev.forewarn.service;

import dev.forewarn.serde.RegistryUnavailableException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uncaught-exception policy of every Kafka Streams service: a failed stream thread is replaced
 * up to {@link #MAX_THREAD_REPLACEMENTS} times (a transient fault such as a lost broker
 * connection); after that the client shuts down. A thread that failed because the schema registry
 * is unavailable ({@link RegistryUnavailableException}: a record could not be read or written, not
 * a bad record) waits (1 s, doubling to 30 s) and is replaced without limit: its task starts again
 * from its last commit (under exactly-once its uncommitted state and output are rolled back), so
 * nothing is skipped or dead-lettered, and it goes on by itself when the registry is back.
 * State changes are logged; the returned latch is counted down when the client reaches ERROR, for
 * {@link Lifecycle#exitWhen}.
 */
public final class StreamsSupervision {

    public static final int MAX_THREAD_REPLACEMENTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(StreamsSupervision.class);

    private StreamsSupervision() {
    }

    /** Installs the policy and the state listener on {@code streams}, before it starts. */
    public static CountDownLatch supervise(KafkaStreams streams) {
        AtomicInteger replacements = new AtomicInteger();
        AtomicInteger registryWaits = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong lastRegistryWait = new java.util.concurrent.atomic.AtomicLong();
        streams.setUncaughtExceptionHandler(error -> {
            if (RegistryUnavailableException.isCauseOf(error)) {
                if (System.nanoTime() - lastRegistryWait.get() > java.time.Duration.ofMinutes(2).toNanos()) {
                    registryWaits.set(0);
                }
                long waitMillis = Math.min(30_000L, 1_000L << Math.min(registryWaits.getAndIncrement(), 5));
                LOG.warn("schema registry unavailable; the stream thread waits {} ms and starts again from its last commit"
                        + " (nothing is skipped): {}", waitMillis, rootMessage(error));
                try {
                    Thread.sleep(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lastRegistryWait.set(System.nanoTime());
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
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

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
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
