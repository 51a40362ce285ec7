package dev.forewarn.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka cluster answers, checked in the background every {@code interval} with an
 * admin {@code describeCluster} call, so {@code /health/ready} and request handlers read a
 * boolean instead of waiting on the network.
 */
public final class KafkaReadiness implements BooleanSupplier, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReadiness.class);

    private final Admin admin;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private volatile boolean reachable;

    private KafkaReadiness(Admin admin, Duration interval, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "kafka-readiness");
            thread.setDaemon(true);
            return thread;
        });
        check();
        scheduler.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts checking with the given client properties (bootstrap servers, security). */
    public static KafkaReadiness start(Map<String, Object> kafkaProperties, Duration interval, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        kafkaProperties.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                props.put(key, value);
            }
        });
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "readiness-" + props.getOrDefault(AdminClientConfig.CLIENT_ID_CONFIG, "forewarn"));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return new KafkaReadiness(Admin.create(props), interval, timeout);
    }

    private void check() {
        boolean now;
        try {
            now = !admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            now = false;
        } catch (Throwable e) {
            // Never let the check die quietly (a scheduled task that throws is never run again): say unready, and say why.
            LOG.error("Kafka readiness check failed unexpectedly; reporting not ready", e);
            now = false;
        }
        if (now != reachable) {
            if (now) {
                LOG.info("Kafka is reachable");
            } else {
                LOG.warn("Kafka is not reachable");
            }
        }
        reachable = now;
    }

    /** Whether the last check reached the cluster. */
    @Override
    public boolean getAsBoolean() {
        return reachable;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
