package dev.forewarn.registry;

import dev.forewarn.serde.registry.CompatibilityLevel;
import dev.forewarn.service.Env;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The dev registry's settings.
 *
 * @param host             {@code SCHEMA_REGISTRY_HOST}, default {@code 0.0.0.0}
 * @param port             {@code SCHEMA_REGISTRY_PORT}, default 8081 (0 picks a free port)
 * @param topic            {@code SCHEMA_REGISTRY_TOPIC}, default {@code _schemas}
 * @param defaultLevel     {@code SCHEMA_REGISTRY_COMPATIBILITY}, default BACKWARD
 * @param timeout          {@code SCHEMA_REGISTRY_TIMEOUT}, how long a request may wait for Kafka, default 10 s
 * @param kafkaProperties  {@code KAFKA_*} pass-through; {@code KAFKA_BOOTSTRAP_SERVERS} defaults to localhost:9092
 * @param writers          {@code SCHEMA_REGISTRY_API_TOKENS} ({@code name:token}, scope {@code schemas:write}): when set, the
 *                         registry is read-only without one of these tokens (registering a schema and changing a
 *                         compatibility level need it); unset, it is open (the local stack and tests)
 */
public record RegistryConfig(String host, int port, String topic, CompatibilityLevel defaultLevel, Duration timeout,
                             Map<String, Object> kafkaProperties, ApiKeys writers) {

    public RegistryConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** Defaults for a registry on {@code bootstrapServers}, listening on loopback at {@code port}. */
    public static RegistryConfig local(String bootstrapServers, int port) {
        return new RegistryConfig("127.0.0.1", port, "_schemas", CompatibilityLevel.BACKWARD, Duration.ofSeconds(10),
                Map.of("bootstrap.servers", bootstrapServers), ApiKeys.disabled("local"));
    }

    /** The same registry, read-only without one of {@code writers}' tokens. */
    public RegistryConfig withWriters(ApiKeys writers) {
        return new RegistryConfig(host, port, topic, defaultLevel, timeout, kafkaProperties, writers);
    }

    public static RegistryConfig fromEnv(Env env) {
        Map<String, Object> kafka = new HashMap<>(env.kafkaProperties());
        kafka.putIfAbsent("bootstrap.servers", "localhost:9092");
        String level = env.string("SCHEMA_REGISTRY_COMPATIBILITY", "BACKWARD");
        return new RegistryConfig(
                env.string("SCHEMA_REGISTRY_HOST", "0.0.0.0"),
                env.integer("SCHEMA_REGISTRY_PORT", 8081, 0, 65535),
                env.string("SCHEMA_REGISTRY_TOPIC", "_schemas"),
                CompatibilityLevel.parse(level).orElseThrow(() -> new IllegalArgumentException(
                        "environment variable SCHEMA_REGISTRY_COMPATIBILITY=" + level + ": must be one of NONE, BACKWARD,"
                                + " BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE")),
                env.duration("SCHEMA_REGISTRY_TIMEOUT", Duration.ofSeconds(10)),
                kafka,
                env.optional("SCHEMA_REGISTRY_API_TOKENS").isPresent()
                        ? ApiKeys.fromEnv(env, "SCHEMA_REGISTRY", Set.of(Scopes.SCHEMAS_WRITE), Set.of(Scopes.SCHEMAS_WRITE))
                        : ApiKeys.disabled("local"));
    }
}
