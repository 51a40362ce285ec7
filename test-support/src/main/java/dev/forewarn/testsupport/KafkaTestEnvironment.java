package dev.forewarn.testsupport;

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

    /** Stops the environment; by default nothing to do. */
    @Override
    default void close() {
    }
}
