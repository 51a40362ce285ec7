package dev.forewarn.service;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry every Forewarn process exposes at {@code /metrics}, with JVM metrics bound. */
public final class Metrics {

    private Metrics() {
    }

    /** A registry tagging every meter {@code service=<service>}, with JVM, GC, thread and CPU metrics. */
    @SuppressWarnings("resource") // JvmGcMetrics lives as long as the process
    public static PrometheusMeterRegistry prometheus(String service) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /**
     * Counts {@code forewarn_thread_failures_total{thread}}: a background thread that failed
     * unexpectedly. Every service's supervision counts here before it turns unready and exits.
     */
    public static void threadFailed(io.micrometer.core.instrument.MeterRegistry registry, String thread) {
        io.micrometer.core.instrument.Counter.builder("forewarn.thread.failures")
                .description("Background threads that failed unexpectedly (the process then exits to be restarted)")
                .tag("thread", thread).register(registry).increment();
    }

    /**
     * Registers {@code forewarn_registry_errors_total}: requests to the schema registry that failed
     * transiently after the client's retries (unreachable, 408, 429, 5xx); while they happen the
     * service's readiness is false (see {@link dev.forewarn.serde.registry.SchemaRegistryClient#isReachable}).
     */
    public static void registryErrors(io.micrometer.core.instrument.MeterRegistry registry,
                                      dev.forewarn.serde.registry.SchemaRegistryClient client) {
        io.micrometer.core.instrument.FunctionCounter.builder("forewarn.registry.errors", client,
                        dev.forewarn.serde.registry.SchemaRegistryClient::transientFailures)
                .description("Schema registry requests that failed transiently (after retries)").register(registry);
    }

    /** {@code forewarn_streams_running}: 1 while the Kafka Streams client is RUNNING (or REBALANCING), else 0. */
    public static void streamsRunning(io.micrometer.core.instrument.MeterRegistry registry,
                                      java.util.function.Supplier<org.apache.kafka.streams.KafkaStreams> streams) {
        io.micrometer.core.instrument.Gauge.builder("forewarn.streams.running", streams, s -> s.get() != null
                        && s.get().state().isRunningOrRebalancing() ? 1 : 0)
                .description("1 while Kafka Streams is RUNNING or REBALANCING")
                .strongReference(true) // the supplier is often a method reference nothing else holds: a weak one would read NaN
                .register(registry);
    }
}
