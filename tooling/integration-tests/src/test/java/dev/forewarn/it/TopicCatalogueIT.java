package dev.forewarn.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forewarn.testsupport.ForewarnKafka;
import dev.forewarn.testsupport.KafkaTestEnvironment;
import dev.forewarn.topics.TopicAdmin;
import dev.forewarn.topics.TopicCatalogue;
import dev.forewarn.topics.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The catalogue's topics created on a real broker as they are declared, and the start-up check that names what differs. */
class TopicCatalogueIT {

    private static final KafkaTestEnvironment KAFKA = ForewarnKafka.get();

    private static TopicSpec<String, String> keyed(String name, TopicSpec.Cleanup cleanup) {
        return new TopicSpec<>(name, String.class, String.class, TopicSpec.Partitioning.KEYED, cleanup, Optional.of(Duration.ofDays(400)),
                Optional.empty());
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldCreateEveryCatalogueTopicWithItsPartitionsCleanupAndRetention() throws Exception {
        KAFKA.createCatalogue();
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            TopicAdmin.require(admin, TopicCatalogue.all(), List.of(TopicCatalogue.SIGNALS, TopicCatalogue.ALERT_INPUTS, TopicCatalogue.DISPATCH));
            Config transitions = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    TopicCatalogue.TRANSITIONS.name()))).all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(transitions.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo(Long.toString(Duration.ofDays(400).toMillis()));
            assertThat(admin.describeTopics(List.of(TopicCatalogue.SILENCES.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(TopicCatalogue.SILENCES.name()).partitions()).hasSize(1);
        }
    }

    @Test
    void shouldRefuseMissingTopicsAWrongCleanupPolicyAndCoPartitionedTopicsOfDifferentSizesNamingEach() {
        TopicSpec<String, String> missing = keyed(unique("missing"), TopicSpec.Cleanup.DELETE);
        TopicSpec<String, String> compacted = keyed(unique("should-be-compacted"), TopicSpec.Cleanup.COMPACT);
        TopicSpec<String, String> three = keyed(unique("three"), TopicSpec.Cleanup.DELETE);
        TopicSpec<String, String> two = keyed(unique("two"), TopicSpec.Cleanup.DELETE);
        KAFKA.createTopic(compacted.name(), 3, false); // created with cleanup.policy=delete
        KAFKA.createTopic(three.name(), 3, false);
        KAFKA.createTopic(two.name(), 2, false);

        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            assertThatThrownBy(() -> TopicAdmin.require(admin, List.of(missing, compacted, three, two), List.of(List.of(three, two))))
                    .isInstanceOfSatisfying(TopicAdmin.TopicMismatchException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                            missing.name() + ": missing (topics are not auto-created; create them with the topic-init step,"
                                    + " java -cp forewarn-local.jar dev.forewarn.local.TopicsMain)",
                            compacted.name() + ": cleanup.policy is delete, it must be compact",
                            three.name() + " has 3, " + two.name() + " has 2 partitions: they are read together by key and must have the same count"));
        }
    }

    @Test
    void shouldAcceptTopicsAsDeclared() {
        TopicSpec<String, String> a = keyed(unique("a"), TopicSpec.Cleanup.COMPACT);
        TopicSpec<String, String> b = keyed(unique("b"), TopicSpec.Cleanup.DELETE);
        try (Admin admin = Admin.create(KAFKA.clientProperties())) {
            assertThat(TopicAdmin.createMissing(admin, List.of(a, b), 2, (short) 1)).containsExactly(a.name(), b.name());
            TopicAdmin.require(admin, List.of(a, b), List.of(List.of(a, b)));
            assertThat(TopicAdmin.createMissing(admin, List.of(a, b), 2, (short) 1)).isEmpty();
        }
    }
}
