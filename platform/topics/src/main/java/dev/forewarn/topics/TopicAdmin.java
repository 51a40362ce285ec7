package dev.forewarn.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/** Creates the catalogue's topics on a cluster, and checks that a service's topics are there as it needs them. */
public final class TopicAdmin {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TopicAdmin() {
    }

    /** Creates the topics of {@code topics} that do not exist yet; returns the names created. */
    public static List<String> createMissing(Admin admin, Collection<TopicSpec<?, ?>> topics, int keyedPartitions, short replication) {
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name()))
                .map(t -> t.newTopic(keyedPartitions, replication)).toList();
        if (!missing.isEmpty()) {
            await(admin.createTopics(missing).all(), "create " + missing.stream().map(NewTopic::name).collect(Collectors.joining(", ")));
        }
        return missing.stream().map(NewTopic::name).toList();
    }

    /**
     * Checks that every topic of {@code needed} exists with its cleanup policy, and that the topics of each group of
     * {@code coPartitioned} have the same partition count; throws {@link TopicMismatchException} naming each topic and
     * what differs. A service calls it before it starts: a missing topic would otherwise stop a Streams application
     * later, and a co-partitioning mistake would silently split one key's records across tasks.
     */
    public static void require(Admin admin, Collection<TopicSpec<?, ?>> needed, Collection<List<TopicSpec<?, ?>>> coPartitioned) {
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        List<String> problems = new ArrayList<>();
        List<String> present = needed.stream().map(TopicSpec::name).distinct().filter(existing::contains).toList();
        needed.stream().map(TopicSpec::name).distinct().filter(name -> !existing.contains(name))
                .forEach(name -> problems.add(name + ": missing (topics are not auto-created; create them with the topic-init step,"
                        + " java -cp forewarn-local.jar dev.forewarn.local.TopicsMain)"));
        if (!present.isEmpty()) {
            Map<String, TopicDescription> descriptions = await(admin.describeTopics(present).allTopicNames(), "describe topics");
            Map<ConfigResource, Config> configs = await(admin.describeConfigs(present.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all(), "describe topic configs");
            for (TopicSpec<?, ?> topic : needed) {
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                if (config == null) {
                    continue;
                }
                String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG) == null ? TopicConfig.CLEANUP_POLICY_DELETE
                        : config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                if (!policy.equals(topic.cleanup().policy())) {
                    problems.add(topic.name() + ": cleanup.policy is " + policy + ", it must be " + topic.cleanup().policy());
                }
            }
            for (List<TopicSpec<?, ?>> group : coPartitioned) {
                Map<String, Integer> counts = group.stream().filter(t -> descriptions.containsKey(t.name()))
                        .collect(Collectors.toMap(TopicSpec::name, t -> descriptions.get(t.name()).partitions().size(),
                                (a, b) -> a, java.util.LinkedHashMap::new));
                if (counts.values().stream().distinct().count() > 1) {
                    problems.add(counts.entrySet().stream().map(e -> e.getKey() + " has " + e.getValue())
                            .collect(Collectors.joining(", ")) + " partitions: they are read together by key and must have the same count");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new TopicMismatchException(problems);
        }
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + TIMEOUT.toSeconds() + " s trying to " + what + " (is Kafka reachable?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted trying to " + what, e);
        }
    }

    /** The topics a service needs are not as it needs them; the message lists each problem. */
    public static final class TopicMismatchException extends IllegalStateException {

        private final List<String> problems;

        TopicMismatchException(List<String> problems) {
            super("topics are not as this service needs them:\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
