package dev.forewarn.scoring.intake;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the start offset of every non-empty input partition that has no committed offset yet,
 * before Kafka Streams starts. Kafka Streams 4.3, restarting after a SIGKILL under exactly-once
 * (tasks corrupted, state wiped), was seen resetting such partitions to their <em>end</em> despite
 * {@code earliest} on the sources and the consumer, silently skipping every signal in them (caught
 * by {@code ScoringCrashIT}). With an offset committed, no reset policy is consulted at all.
 * Committing needs an empty group: while a killed member's session has not expired this waits
 * (up to {@code patience}); in a live group it gives up with a warning.
 */
public final class StartOffsets {

    private static final Logger LOG = LoggerFactory.getLogger(StartOffsets.class);

    private StartOffsets() {
    }

    public static void commitWhereMissing(Map<String, Object> clientProperties, String groupId, List<String> topics, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        try (Admin admin = Admin.create(clientProperties)) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> missing = missing(admin, groupId, topics);
                if (missing.isEmpty()) {
                    return;
                }
                try {
                    admin.alterConsumerGroupOffsets(groupId, missing).all().get(30, TimeUnit.SECONDS);
                    LOG.info("committed the start offsets of {} input partitions that had none: {}", missing.size(), missing.keySet());
                    return;
                } catch (ExecutionException e) {
                    boolean busy = e.getCause() instanceof GroupNotEmptyException || e.getCause() instanceof UnknownMemberIdException;
                    if (!busy || System.nanoTime() > deadline) {
                        LOG.warn("could not commit start offsets for {} (they are read from their start only if Kafka Streams "
                                + "applies 'earliest'): {}", missing.keySet(), e.getCause().toString());
                        return;
                    }
                    Thread.sleep(1000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("could not check the committed input offsets of {}: {}", groupId, e.toString());
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> missing(Admin admin, String groupId, List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((topic, description) ->
                description.partitions().forEach(p -> {
                    TopicPartition tp = new TopicPartition(topic, p.partition());
                    if (committed.get(tp) == null) {
                        earliest.put(tp, OffsetSpec.earliest());
                        latest.put(tp, OffsetSpec.latest());
                    }
                }));
        Map<TopicPartition, OffsetAndMetadata> missing = new HashMap<>();
        if (earliest.isEmpty()) {
            return missing;
        }
        var starts = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
        var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        starts.forEach((tp, start) -> {
            if (ends.get(tp).offset() > start.offset()) {
                missing.put(tp, new OffsetAndMetadata(start.offset()));
            }
        });
        return missing;
    }
}
