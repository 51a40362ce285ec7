package dev.forewarn.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every topic the pipeline needs, with its partitions and cleanup policy: one list for the local
 * stack and for docker-compose's topic-init step ({@code dev.forewarn.local.TopicsMain}).
 * Auto-creation is off everywhere; Kafka Streams creates its own internal topics.
 */
public final class StackTopics {

    /**
     * Signal topics keep what a CRM backfill loads (ingest accepts {@code occurredAt} up to 400 days
     * old); so does {@code risk.transitions}, stamped with the same event time: retention is judged on
     * record timestamps, and at the broker's default 7 days the transitions of a backfilled history
     * could be deleted before alerting-service has read them.
     */
    static final Duration SIGNAL_RETENTION = Duration.ofDays(400);

    public record Spec(String name, int partitions, Map<String, String> configs) {
    }

    private StackTopics() {
    }

    /**
     * The topics for {@code partitions} partitions per keyed stream. Signal topics and their DLQs,
     * scores and transitions, alert commands (co-partitioned with transitions, as alerting-service
     * checks) share that count; owners, silences and alert state are compacted.
     */
    public static List<Spec> all(int partitions) {
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        Map<String, String> signals = Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(SIGNAL_RETENTION.toMillis()));
        List<Spec> topics = new ArrayList<>();
        for (String signal : List.of("customer.reports", "customer.complaints", "customer.returns")) {
            topics.add(new Spec(signal, partitions, signals));
            topics.add(new Spec(signal + ".dlq", partitions, signals)); // dead letters are kept as long as their source
        }
        topics.add(new Spec("customer.owners", partitions, compact));
        topics.add(new Spec("risk.scores", partitions, compact));
        topics.add(new Spec("risk.transitions", partitions, signals));
        topics.add(new Spec("alerts.commands", partitions, Map.of()));
        topics.add(new Spec("alerts.silences", 1, compact));
        topics.add(new Spec("alerts.state", partitions, compact));
        topics.add(new Spec("alerts.outbox", partitions, Map.of()));
        topics.add(new Spec("alerts.retry", partitions, Map.of()));
        topics.add(new Spec("alerts.notifications", partitions, Map.of()));
        topics.add(new Spec("alerts.dlq", 1, signals));
        return List.copyOf(topics);
    }

    /** Creates the topics that do not exist yet (replication factor {@code replication}); returns the names created. */
    public static List<String> create(Admin admin, int partitions, short replication) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = all(partitions).stream().filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), replication).configs(t.configs())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the pipeline's topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating the pipeline's topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics", e);
        }
    }
}
