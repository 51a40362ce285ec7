package dev.forewarn.testsupport;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers backend for machines with a Docker engine: Apache Kafka in KRaft mode and
 * Confluent's own schema registry, so the same tests also run against the real Confluent server.
 * Not exercised by CI (no Docker engine there). Ryuk removes the containers when the JVM exits.
 */
final class ContainersKafkaEnvironment implements KafkaTestEnvironment {

    /** By default the broker of the Kafka version the pom manages (the kafka-clients on the class path). */
    static final String KAFKA_IMAGE = System.getProperty("forewarn.kafka.image",
            "apache/kafka:" + org.apache.kafka.common.utils.AppInfoParser.getVersion());
    static final String REGISTRY_IMAGE = System.getProperty("forewarn.registry.image", "confluentinc/cp-schema-registry:8.1.0");

    private final KafkaContainer kafka;
    private final GenericContainer<?> registry;

    private ContainersKafkaEnvironment(KafkaContainer kafka, GenericContainer<?> registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    @SuppressWarnings("resource")
    static ContainersKafkaEnvironment start() {
        Network network = Network.newNetwork();
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                .withNetwork(network)
                .withListener("kafka:19092")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        kafka.start();
        GenericContainer<?> registry = new GenericContainer<>(DockerImageName.parse(REGISTRY_IMAGE))
                .withNetwork(network)
                .withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
        registry.start();
        return new ContainersKafkaEnvironment(kafka, registry);
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
    }

    @Override
    public String backend() {
        return "containers";
    }
}
