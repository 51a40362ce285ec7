package dev.forewarn.ingest.config;

import dev.forewarn.ingest.signal.SignalParser;
import dev.forewarn.service.Env;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * ingest-service settings, read once from the environment.
 *
 * @param port            {@code INGEST_PORT}, default 8080 (0 picks a free port)
 * @param registryUrl     {@code SCHEMA_REGISTRY_URL}, default http://localhost:8081
 * @param maxBodyBytes    {@code INGEST_MAX_BODY_BYTES}, default 1 MiB
 * @param maxBatchItems   {@code INGEST_MAX_BATCH_ITEMS}, default 1000
 * @param source          {@code INGEST_SOURCE}: the source stamped on events until per-key auth lands, default {@code unauthenticated}
 * @param rules           {@code INGEST_MAX_FUTURE} (5m), {@code INGEST_MAX_AGE} (400d), {@code INGEST_REJECT_UNKNOWN_FIELDS} (false)
 * @param kafkaProperties {@code KAFKA_*} pass-through; {@code KAFKA_BOOTSTRAP_SERVERS} defaults to localhost:9092
 */
public record IngestConfig(int port, String registryUrl, int maxBodyBytes, int maxBatchItems, String source,
                           SignalParser.Rules rules, Map<String, Object> kafkaProperties) {

    public IngestConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    public static IngestConfig fromEnv(Env env) {
        Map<String, Object> kafka = new HashMap<>(env.kafkaProperties());
        kafka.putIfAbsent("bootstrap.servers", "localhost:9092");
        return new IngestConfig(
                env.integer("INGEST_PORT", 8080, 0, 65535),
                env.string("SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                env.integer("INGEST_MAX_BODY_BYTES", 1 << 20, 1024, 64 << 20),
                env.integer("INGEST_MAX_BATCH_ITEMS", 1000, 1, 100_000),
                env.string("INGEST_SOURCE", "unauthenticated"),
                new SignalParser.Rules(env.duration("INGEST_MAX_FUTURE", Duration.ofMinutes(5)),
                        env.duration("INGEST_MAX_AGE", Duration.ofDays(400)),
                        env.flag("INGEST_REJECT_UNKNOWN_FIELDS", false), Clock.systemUTC()),
                kafka);
    }
}
