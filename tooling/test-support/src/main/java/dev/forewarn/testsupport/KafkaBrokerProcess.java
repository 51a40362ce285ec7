package dev.forewarn.testsupport;

import dev.forewarn.kafka.SingleNodeKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker ({@link SingleNodeKafka}'s configuration and kept data) in a
 * child JVM, so a fault test can stop, kill and restart it with its data. Uses this JVM's class
 * path ({@code kafka.Kafka}).
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerProcess.class);

    private final Path directory;
    private final Path config;
    private final int port;
    private Process process;

    private KafkaBrokerProcess(Path directory, Path config) {
        this.directory = directory;
        this.config = config;
        this.port = SingleNodeKafka.port(config);
    }

    /**
     * Formats {@code directory} (unless it holds a formatted broker already) and starts the broker;
     * returns once it answers. {@code port} 0 picks a free port.
     */
    public static KafkaBrokerProcess start(Path directory, int port) {
        KafkaBrokerProcess broker = new KafkaBrokerProcess(directory, SingleNodeKafka.prepare(directory, port, 0));
        broker.startProcess();
        return broker;
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
        SingleNodeKafka.awaitReady(bootstrapServers(), Duration.ofSeconds(90), process::isAlive,
                directory.resolve("broker.log").toString());
        LOG.info("Kafka broker process {} at {} ready in {} ms", process.pid(), bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000);
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
