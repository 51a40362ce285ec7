package dev.forewarn.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One topic of the pipeline: its name, what its records hold, how it is partitioned and cleaned
 * up, and where its unreadable records go. The values live in {@link TopicCatalogue}.
 *
 * @param name         the topic's name
 * @param keyType      the key's type ({@code String} for every keyed topic, {@code byte[]} for dead letters)
 * @param valueType    the value's type: a generated Avro class, or {@code byte[]} for dead letters
 * @param partitioning {@link Partitioning#KEYED} topics get the deployment's partition count, {@link Partitioning#ONE} one partition
 * @param cleanup      delete (retention) or compact (latest value per key)
 * @param retention    kept this long when set; the broker's default otherwise
 * @param deadLetters  the topic that takes this topic's unreadable records, if any
 */
public record TopicSpec<K, V>(String name, Class<K> keyType, Class<V> valueType, Partitioning partitioning, Cleanup cleanup,
                              Optional<Duration> retention, Optional<String> deadLetters) {

    /** How many partitions a topic gets. */
    public enum Partitioning {
        /** The deployment's partition count ({@code FOREWARN_PARTITIONS}): the topic is keyed, maybe co-partitioned with others. */
        KEYED,
        /** One partition: small, read whole by every instance. */
        ONE
    }

    /** The topic's {@code cleanup.policy}. */
    public enum Cleanup {
        DELETE(TopicConfig.CLEANUP_POLICY_DELETE),
        COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT);

        private final String policy;

        Cleanup(String policy) {
            this.policy = policy;
        }

        /** The value of {@code cleanup.policy}. */
        public String policy() {
            return policy;
        }
    }

    /** The partition count of this topic in a deployment of {@code keyedPartitions} partitions per keyed topic. */
    public int partitions(int keyedPartitions) {
        return partitioning == Partitioning.KEYED ? keyedPartitions : 1;
    }

    /** The topic configs this spec sets (cleanup policy, retention). */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup.policy());
        retention.ifPresent(r -> configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(r.toMillis())));
        return configs;
    }

    /** The topic to create in a deployment of {@code keyedPartitions} partitions per keyed topic. */
    public NewTopic newTopic(int keyedPartitions, short replication) {
        return new NewTopic(name, partitions(keyedPartitions), replication).configs(configs());
    }

    @Override
    public String toString() {
        return name;
    }
}
