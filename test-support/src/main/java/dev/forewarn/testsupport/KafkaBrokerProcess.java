package dev.forewarn.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (combined broker and controller) in a child JVM, with fixed
 * ports and data directory, so it can be stopped, killed and restarted with its data: the broker
 * for fault tests and for the local stack. Uses this JVM's class path ({@code kafka.Kafka}).
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerProcess.class);

    private final Path directory;
    private final Path config;
    private final int port;
    private Process process;

    private KafkaBrokerProcess(Path directory, Path config, int port) {
        this.directory = directory;
        this.config = config;
        this.port = port;
    }

    /**
     * Formats {@code directory} (unless it holds a formatted broker already) and starts the broker;
     * returns once it answers. {@code port} 0 picks a free port.
     */
    public static KafkaBrokerProcess start(Path directory, int port) {
        try {
            Files.createDirectories(directory);
            Path config = directory.resolve("server.properties");
            int brokerPort = port == 0 ? ChildJvm.freePort() : port;
            if (!Files.exists(config)) {
                Files.writeString(config, properties(directory.resolve("data"), brokerPort, ChildJvm.freePort()));
                format(config);
            } else {
                brokerPort = Integer.parseInt(Files.readAllLines(config).stream()
                        .filter(l -> l.startsWith("# port=")).findFirst().orElseThrow().substring(7));
            }
            KafkaBrokerProcess broker = new KafkaBrokerProcess(directory, config, brokerPort);
            broker.startProcess();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a broker in " + directory, e);
        }
    }

    private static String properties(Path data, int port, int controllerPort) {
        return String.join("\n",
                "# port=" + port,
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
                "") ;
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


    private void startProcess() {
        long started = System.nanoTime();
        try {
            process = ChildJvm.of("kafka.Kafka", List.of("-Xmx768m", "-XX:+UseSerialGC"), config.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker process", e);
        }
        awaitReady(Duration.ofSeconds(90));
        LOG.info("Kafka broker process {} at {} ready in {} ms", process.pid(), bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker process exited with " + process.exitValue()
                            + "; see " + directory.resolve("broker.log"));
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
        throw new IllegalStateException("the broker did not answer within " + timeout + "; see " + directory.resolve("broker.log"));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path directory() {
        return directory;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Clean shutdown (SIGTERM): the broker flushes and closes its logs. */
    public void stop() {
        if (isRunning()) {
            process.destroy();
            waitForExit();
        }
    }

    /** Hard kill (SIGKILL): the broker gets no chance to flush. */
    public void kill() {
        if (isRunning()) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    /** Starts the stopped or killed broker again on the same port with the same data. */
    public void restart() {
        if (isRunning()) {
            throw new IllegalStateException("the broker is running");
        }
        startProcess();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
