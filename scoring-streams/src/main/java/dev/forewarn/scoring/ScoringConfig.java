package dev.forewarn.scoring;

import dev.forewarn.events.KanoCategory;
import dev.forewarn.events.ReturnReason;
import dev.forewarn.scoring.model.RiskModel;
import dev.forewarn.service.Env;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * scoring-streams settings, read once from the environment.
 *
 * @param applicationId           {@code SCORING_APPLICATION_ID}, default {@code forewarn-scoring}
 * @param registryUrl             {@code SCHEMA_REGISTRY_URL}, default http://localhost:8081
 * @param host                    {@code SCORING_HOST}, default {@code 0.0.0.0}: the interface HTTP listens on
 * @param port                    {@code SCORING_PORT}, default 8082 (health, metrics, queries)
 * @param stateDir                {@code SCORING_STATE_DIR}, default {@code <tmp>/forewarn-scoring}
 * @param processingGuarantee     {@code SCORING_PROCESSING_GUARANTEE}, default {@code exactly_once_v2}
 * @param dedupRetention          {@code SCORING_DEDUP_RETENTION}, default 7d: a signal whose source and event id the customer was
 *                                seen with this long before (stream time) is a redelivery and dropped
 * @param dedupMaxEvents          {@code SCORING_DEDUP_MAX_EVENTS}, default 1000: at most this many recent events kept per customer
 *                                for it (16 bytes each); beyond, the oldest is forgotten early and {@code forewarn.scoring.dedup.forgotten} counts it
 * @param idleAfter               {@code SCORING_IDLE_AFTER}, default 30s: observed time follows the wall clock after this long without input
 * @param streamTimeInterval      {@code SCORING_STREAM_TIME_INTERVAL}, default 1m of stream time between time-driven passes
 * @param wallClockInterval       {@code SCORING_WALL_CLOCK_INTERVAL}, default 5s between idle checks
 * @param scoreInterval           {@code SCORING_SCORE_INTERVAL}, default 1s: how often (wall clock) the latest score of each entity
 *                                changed since is written to {@code risk.scores}; transitions are written at once
 * @param maxTimersPerPunctuation {@code SCORING_MAX_TIMERS_PER_PASS}, default 10000
 * @param model                   {@code SCORING_HALF_LIFE} (14d), {@code SCORING_SCALE} (40), {@code SCORING_INFLOW_HALF_LIFE} (1d),
 *                                {@code SCORING_HORIZON} (96h), {@code SCORING_HYSTERESIS} (10), {@code SCORING_INFLOW_NET} (true); weights as in DESIGN.md, each
 *                                overridable ({@link #weights})
 * @param kafkaProperties         {@code KAFKA_*} pass-through (Streams, producer and consumer properties)
 * @param advertisedHost          {@code SCORING_ADVERTISED_HOST}, default {@code localhost}: how other instances reach this one's HTTP port
 * @param apiKeys                 {@code SCORING_API_TOKENS} ({@code name:token} or {@code name:token:risk:read}, comma-separated;
 *                                the only scope is {@code risk:read}), or {@code SCORING_AUTH_DISABLED=true} (local run only)
 */
public record ScoringConfig(String applicationId, String registryUrl, String host, int port, Path stateDir, String processingGuarantee,
                            Duration dedupRetention, int dedupMaxEvents, Duration idleAfter, Duration streamTimeInterval, Duration wallClockInterval,
                            Duration scoreInterval, int maxTimersPerPunctuation, RiskModel.Config model, Map<String, Object> kafkaProperties,
                            String advertisedHost, ApiKeys apiKeys) {

    public ScoringConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (scoreInterval.toMillis() < 1) {
            throw new IllegalArgumentException("SCORING_SCORE_INTERVAL is " + scoreInterval + "; it must be at least 1ms");
        }
    }

    /** Defaults, for tests and benchmarks. */
    public static ScoringConfig of(String applicationId, String registryUrl, Path stateDir, Map<String, Object> kafkaProperties) {
        return new ScoringConfig(applicationId, registryUrl, "0.0.0.0", 0, stateDir, "exactly_once_v2", Duration.ofDays(7), 1_000,
                Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(1), 10_000, RiskModel.Config.defaults(),
                kafkaProperties, "localhost", ApiKeys.disabled("local"));
    }

    public ScoringConfig withProcessingGuarantee(String guarantee) {
        return new ScoringConfig(applicationId, registryUrl, host, port, stateDir, guarantee, dedupRetention, dedupMaxEvents, idleAfter,
                streamTimeInterval, wallClockInterval, scoreInterval, maxTimersPerPunctuation, model, kafkaProperties, advertisedHost, apiKeys);
    }

    public ScoringConfig withIdleAfter(Duration idle, Duration wallClockCheck) {
        return new ScoringConfig(applicationId, registryUrl, host, port, stateDir, processingGuarantee, dedupRetention, dedupMaxEvents, idle,
                streamTimeInterval, wallClockCheck, scoreInterval, maxTimersPerPunctuation, model, kafkaProperties, advertisedHost, apiKeys);
    }

    /**
     * DESIGN.md's weights, each overridable: {@code SCORING_WEIGHT_COMPLAINT_OPENED_PER_SEVERITY} (10/3),
     * {@code _COMPLAINT_REOPENED} (12), {@code _COMPLAINT_RESOLVED_IN_SLA} (-4), {@code _SLA_BREACH} (8),
     * {@code _RETURN} (6), {@code _NEGATIVE_PER_SEVERITY} (1), {@code _IMPROVEMENT} (1), {@code _CONFIRMATION} (-1),
     * {@code _KANO_ABSENT} (1); factors as lists, merged over the defaults:
     * {@code SCORING_WEIGHT_RETURN_REASONS=DEFECTIVE:1.5,OTHER:0.5}, {@code SCORING_WEIGHT_KANO=MUST_BE:2,ATTRACTIVE:0.5}.
     */
    static RiskModel.Weights weights(Env env, RiskModel.Weights d) {
        String p = "SCORING_WEIGHT_";
        return new RiskModel.Weights(
                env.decimal(p + "COMPLAINT_OPENED_PER_SEVERITY", d.complaintOpenedPerSeverity()),
                env.decimal(p + "COMPLAINT_REOPENED", d.complaintReopened()),
                env.decimal(p + "COMPLAINT_RESOLVED_IN_SLA", d.complaintResolvedInSla()),
                env.decimal(p + "SLA_BREACH", d.slaBreach()),
                env.decimal(p + "RETURN", d.returnBase()),
                factors(env, p + "RETURN_REASONS", ReturnReason.class, d.returnFactor()),
                env.decimal(p + "NEGATIVE_PER_SEVERITY", d.negativePerSeverity()),
                env.decimal(p + "IMPROVEMENT", d.improvement()),
                env.decimal(p + "CONFIRMATION", d.confirmation()),
                factors(env, p + "KANO", KanoCategory.class, d.kanoFactor()),
                env.decimal(p + "KANO_ABSENT", d.kanoAbsent()));
    }

    private static <E extends Enum<E>> Map<E, Double> factors(Env env, String name, Class<E> type, Map<E, Double> defaults) {
        Map<E, Double> factors = new EnumMap<>(type);
        factors.putAll(defaults);
        env.optional(name).ifPresent(list -> {
            for (String entry : list.split(",")) {
                String[] pair = entry.trim().split(":");
                try {
                    factors.put(Enum.valueOf(type, pair[0].trim().toUpperCase(java.util.Locale.ROOT)), Double.parseDouble(pair[1].trim()));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("environment variable " + name + "=" + list + ": entries must be NAME:factor with NAME one of "
                            + java.util.Arrays.toString(type.getEnumConstants()));
                }
            }
        });
        return Map.copyOf(factors);
    }

    public static ScoringConfig fromEnv(Env env) {
        Map<String, Object> kafka = new HashMap<>(env.kafkaProperties());
        kafka.putIfAbsent("bootstrap.servers", "localhost:9092");
        RiskModel.Config defaults = RiskModel.Config.defaults();
        RiskModel.Config model = new RiskModel.Config(weights(env, defaults.weights()),
                env.duration("SCORING_HALF_LIFE", defaults.halfLife()),
                env.integer("SCORING_SCALE", (int) defaults.scale(), 1, 10_000),
                env.duration("SCORING_INFLOW_HALF_LIFE", defaults.inflowHalfLife()),
                env.duration("SCORING_HORIZON", defaults.horizon()),
                env.integer("SCORING_HYSTERESIS", (int) defaults.hysteresis(), 0, 20),
                defaults.topContributors(), defaults.maxOpenComplaints(), defaults.maxClosedComplaints(),
                defaults.complaintMemory(), env.flag("SCORING_INFLOW_NET", defaults.netInflow()));
        return new ScoringConfig(
                env.string("SCORING_APPLICATION_ID", "forewarn-scoring"),
                env.string("SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                env.string("SCORING_HOST", "0.0.0.0"),
                env.integer("SCORING_PORT", 8082, 0, 65535),
                Path.of(env.string("SCORING_STATE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "forewarn-scoring").toString())),
                env.string("SCORING_PROCESSING_GUARANTEE", "exactly_once_v2"),
                env.duration("SCORING_DEDUP_RETENTION", Duration.ofDays(7)),
                env.integer("SCORING_DEDUP_MAX_EVENTS", 1_000, 1, 1_000_000),
                env.duration("SCORING_IDLE_AFTER", Duration.ofSeconds(30)),
                env.duration("SCORING_STREAM_TIME_INTERVAL", Duration.ofMinutes(1)),
                env.duration("SCORING_WALL_CLOCK_INTERVAL", Duration.ofSeconds(5)),
                env.duration("SCORING_SCORE_INTERVAL", Duration.ofSeconds(1)),
                env.integer("SCORING_MAX_TIMERS_PER_PASS", 10_000, 1, 10_000_000),
                model, kafka, env.string("SCORING_ADVERTISED_HOST", "localhost"),
                ApiKeys.fromEnv(env, "SCORING", Scopes.SCORING, Scopes.SCORING));
    }
}
