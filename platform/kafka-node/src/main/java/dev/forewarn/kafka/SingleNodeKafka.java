package dev.forewarn.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller) whose
 * configuration and data live in one directory and are kept between runs: the first start writes
 * {@code server.properties} and formats the storage, later starts reuse both (and their ports).
 * Configured as a single node must be: replication factor 1 for the internal topics, topic
 * auto-creation off, no initial rebalance delay.
 *
 * <p>Runs in this JVM ({@link #start}) for the local stack, or in a child JVM from the
 * {@link #prepare prepared} configuration ({@code kafka.Kafka <config>}) for fault tests that
 * must kill it.
 */
public final class SingleNodeKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SingleNodeKafka.class);
    private static final String PORT_MARKER = "# port=";

    private final KafkaRaftServer server;
    private final int port;
    private boolean stopped;

    private SingleNodeKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Writes {@code directory/server.properties} and formats the storage under
     * {@code directory/data}, unless done by an earlier run; returns the configuration file.
     * A port of 0 picks a free one. The ports of an existing configuration win over the arguments.
     */
    public static Path prepare(Path directory, int port, int controllerPort) {
        try {
            Files.createDirectories(directory);
            Path config = directory.resolve("server.properties");
            if (!Files.exists(config)) {
                deleteRecursively(directory.resolve("data")); // formatted by a run that died before writing its config
                Path pending = directory.resolve("server.properties.new");
                Files.writeString(pending, properties(directory.resolve("data"), port == 0 ? freePort() : port,
                        controllerPort == 0 ? freePort() : controllerPort));
                format(pending);
                Files.move(pending, config);
            }
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a broker in " + directory, e);
        }
    }

    /** The client port recorded in a configuration written by {@link #prepare}. */
    public static int port(Path config) {
        try {
            return Integer.parseInt(Files.readAllLines(config).stream().filter(l -> l.startsWith(PORT_MARKER))
                    .findFirst().orElseThrow(() -> new IllegalStateException(config + " was not written by SingleNodeKafka"))
                    .substring(PORT_MARKER.length()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prepares {@code directory} if needed and runs the broker in this JVM; returns once it answers. */
    public static SingleNodeKafka start(Path directory, int port, int controllerPort, Duration timeout) {
        Path config = prepare(directory, port, controllerPort);
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(config)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long started = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        SingleNodeKafka kafka = new SingleNodeKafka(server, port(config));
        try {
            server.startup();
            awaitReady(kafka.bootstrapServers(), timeout, () -> true, directory.toString());
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("Kafka broker at {} (data {}) ready in {} ms", kafka.bootstrapServers(), directory.resolve("data"),
                (System.nanoTime() - started) / 1_000_000);
        return kafka;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Controlled shutdown: the broker flushes and closes its logs. */
    @Override
    public synchronized void close() {
        if (!stopped) {
            stopped = true;
            server.shutdown();
            server.awaitShutdown();
        }
    }

    /**
     * Waits until a broker at {@code bootstrapServers} answers a cluster description, failing
     * early when {@code alive} turns false; {@code where} names the logs to look at.
     */
    public static void awaitReady(String bootstrapServers, Duration timeout, BooleanSupplier alive, String where) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
            while (System.nanoTime() < deadline) {
                if (!alive.getAsBoolean()) {
                    throw new IllegalStateException("the broker stopped while starting; see " + where);
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    Thread.sleep(200);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the broker", e);
        }
        throw new IllegalStateException("the broker did not answer within " + timeout + "; see " + where);
    }

    /** A port free at the time of the call. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String properties(Path data, int port, int controllerPort) {
        return String.join("\n",
                PORT_MARKER + port,
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data.toAbsolutePath(),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "log.cleaner.dedupe.buffer.size=2097152",
                "");
    }

    /** Removes {@code path} and everything under it, if it exists. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var files = Files.walk(path)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void format(Path config) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = kafka.tools.StorageTool.execute(new String[]{"format", "--config", config.toString(),
                "--cluster-id", Uuid.randomUuid().toString(), "--standalone"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IllegalStateException("formatting the broker storage failed with exit code " + exit + ": "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }
}
