package dev.forewarn.testsupport;

import dev.forewarn.registry.RegistryConfig;
import dev.forewarn.registry.SchemaRegistryServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (combined broker and controller) from Apache Kafka's own test
 * kit, on a random free port with its data in a temporary directory removed on close, plus the dev
 * schema registry on a random port.
 */
final class EmbeddedKafkaEnvironment implements KafkaTestEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaEnvironment.class);

    private final KafkaClusterTestKit cluster;
    private final SchemaRegistryServer registry;
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    private EmbeddedKafkaEnvironment(KafkaClusterTestKit cluster, SchemaRegistryServer registry) {
        this.cluster = cluster;
        this.registry = registry;
    }

    static EmbeddedKafkaEnvironment start() {
        long started = System.nanoTime();
        KafkaClusterTestKit cluster = startBroker();
        long brokerMillis = (System.nanoTime() - started) / 1_000_000;
        SchemaRegistryServer registry;
        try {
            registry = SchemaRegistryServer.start(RegistryConfig.local(cluster.bootstrapServers(), 0));
        } catch (RuntimeException e) {
            closeQuietly(cluster);
            throw e;
        }
        LOG.info("embedded Kafka at {} ready in {} ms, schema registry at {} ready in {} ms total",
                cluster.bootstrapServers(), brokerMillis, registry.url(), (System.nanoTime() - started) / 1_000_000);
        EmbeddedKafkaEnvironment environment = new EmbeddedKafkaEnvironment(cluster, registry);
        // Normally closed when the test session ends (ForewarnKafkaSessionListener); the hook is the fallback.
        Runtime.getRuntime().addShutdownHook(new Thread(environment::close, "embedded-kafka-stop"));
        return environment;
    }

    /** Starts a single-node KRaft broker configured as KAFKA-NOTES.md says a single node must be. */
    static KafkaClusterTestKit startBroker() {
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "4")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("log.cleaner.dedupe.buffer.size", "2097152")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception e) {
            if (cluster != null) {
                closeQuietly(cluster);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start the embedded Kafka broker", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return registry.url();
    }

    @Override
    public String backend() {
        return "embedded";
    }

    /** Stops the registry and the broker, once, whoever asks first (the test session's end or the JVM's). */
    @Override
    public void close() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            registry.close();
        } finally {
            closeQuietly(cluster);
            LOG.info("embedded Kafka and schema registry stopped");
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("embedded Kafka did not close cleanly", e);
        }
    }
}
