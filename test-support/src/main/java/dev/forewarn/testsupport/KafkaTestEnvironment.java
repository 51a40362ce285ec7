package dev.forewarn.testsupport;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** A running Kafka broker and schema registry that tests talk to over the network, as services do. */
public interface KafkaTestEnvironment {

    /** {@code bootstrap.servers} for clients on this machine. */
    String bootstrapServers();

    /** Base URL of a registry speaking the Confluent REST API. */
    String schemaRegistryUrl();

    /** Which backend runs it: {@code embedded} or {@code containers}. */
    String backend();

    /** Client properties with the bootstrap servers set. */
    default Map<String, Object> clientProperties() {
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    /** Creates a topic if it does not exist yet (topic auto-creation is off, as in production). */
    default void createTopic(String name, int partitions, boolean compacted) {
        try (Admin admin = Admin.create(clientProperties())) {
            NewTopic topic = new NewTopic(name, partitions, (short) 1);
            if (compacted) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            admin.createTopics(java.util.List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
    }
}
