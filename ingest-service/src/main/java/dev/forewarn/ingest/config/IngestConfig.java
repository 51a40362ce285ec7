package dev.forewarn.ingest.config;

import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.service.Env;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * ingest-service settings, read once from the environment.
 *
 * @param host            {@code INGEST_HOST}, default {@code 0.0.0.0} (every interface; the local stack uses 127.0.0.1)
 * @param port            {@code INGEST_PORT}, default 8080 (0 picks a free port)
 * @param registryUrl     {@code SCHEMA_REGISTRY_URL}, default http://localhost:8081
 * @param maxBodyBytes    {@code INGEST_MAX_BODY_BYTES}, default 1 MiB
 * @param maxBatchItems   {@code INGEST_MAX_BATCH_ITEMS}, default 1000
 * @param apiKeys         {@code INGEST_API_TOKENS} ({@code source:token} or {@code source:token:scope+scope,...}, scopes
 *                        {@code signals:write} — the default — and {@code owners:write}; {@code INGEST_API_KEYS} is read when it
 *                        is unset); or {@code INGEST_AUTH_DISABLED=true} with {@code INGEST_SOURCE} (default {@code local})
 *                        stamped on every event, for the local run only
 * @param rules           {@code INGEST_MAX_FUTURE} (5m), {@code INGEST_MAX_AGE} (400d), {@code INGEST_REJECT_UNKNOWN_FIELDS} (false)
 * @param shutdownGrace   {@code INGEST_SHUTDOWN_GRACE}, default 30s: how long shutdown waits for in-flight requests
 * @param kafkaProperties {@code KAFKA_*} pass-through; {@code KAFKA_BOOTSTRAP_SERVERS} defaults to localhost:9092
 */
public record IngestConfig(String host, int port, String registryUrl, int maxBodyBytes, int maxBatchItems, ApiKeys apiKeys,
                           SignalParser.Rules rules, Duration shutdownGrace, Map<String, Object> kafkaProperties) {

    public IngestConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** Defaults for tests and benchmarks: free port, 1 MiB, 1,000 items, default rules, 30 s grace. */
    public static IngestConfig of(String registryUrl, ApiKeys apiKeys, Map<String, Object> kafkaProperties) {
        return new IngestConfig("0.0.0.0", 0, registryUrl, 1 << 20, 1000, apiKeys, SignalParser.Rules.defaults(),
                Duration.ofSeconds(30), kafkaProperties);
    }

    public static IngestConfig fromEnv(Env env) {
        Map<String, Object> kafka = new HashMap<>(env.kafkaProperties());
        kafka.putIfAbsent("bootstrap.servers", "localhost:9092");
        kafka.putIfAbsent("client.id", "ingest-service");
        ApiKeys apiKeys = ApiKeys.fromEnv(env, "INGEST", Scopes.INGEST, Scopes.INGEST_DEFAULT, "INGEST_API_KEYS");
        return new IngestConfig(
                env.string("INGEST_HOST", "0.0.0.0"),
                env.integer("INGEST_PORT", 8080, 0, 65535),
                env.string("SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                env.integer("INGEST_MAX_BODY_BYTES", 1 << 20, 1024, 64 << 20),
                env.integer("INGEST_MAX_BATCH_ITEMS", 1000, 1, 100_000),
                apiKeys,
                new SignalParser.Rules(env.duration("INGEST_MAX_FUTURE", Duration.ofMinutes(5)),
                        env.duration("INGEST_MAX_AGE", Duration.ofDays(400)),
                        env.flag("INGEST_REJECT_UNKNOWN_FIELDS", false), Clock.systemUTC()),
                env.duration("INGEST_SHUTDOWN_GRACE", Duration.ofSeconds(30)),
                kafka);
    }
}
