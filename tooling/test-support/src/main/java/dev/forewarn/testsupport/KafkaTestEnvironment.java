package dev.forewarn.testsupport;

import dev.forewarn.topics.TopicCatalogue;
import java.util.Map;

/** A running Kafka broker and schema registry that tests talk to over the network, as services do. */
public interface KafkaTestEnvironment extends AutoCloseable {

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
        Topics.create(clientProperties(), name, partitions, compacted);
    }

    /**
     * Creates every topic of the {@link TopicCatalogue} that does not exist yet, as production has them, with 3
     * partitions per keyed topic: what a service checks for before it starts.
     */
    default void createCatalogue() {
        Topics.createCatalogue(clientProperties());
    }

    /** Stops the environment; by default nothing to do. */
    @Override
    default void close() {
    }
}
