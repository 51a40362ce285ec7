package dev.forewarn.desk;

import dev.forewarn.service.Env;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The desk's settings, from the environment.
 *
 * @param host               {@code DESK_HOST} (0.0.0.0)
 * @param port               {@code DESK_PORT} (8084; 0 picks a free one)
 * @param publicUrl          {@code DESK_PUBLIC_URL} (http://localhost:8084): its links; cookies are {@code Secure} when it is https
 * @param alertingUrl        {@code DESK_ALERTING_URL} (http://localhost:8083)
 * @param scoringUrl         {@code DESK_SCORING_URL} (http://localhost:8082)
 * @param signInTokens       {@code DESK_API_TOKENS} ({@code name:token}, optional): tokens that may sign in besides those
 *                           alerting-service accepts with {@code alerts:read} (it is asked at sign-in)
 * @param serviceToken       {@code DESK_SERVICE_TOKEN} (optional): the desk's own token for alerting-service (with
 *                           {@code alerts:write}), used to acknowledge through a signed link, which carries no session
 * @param scoringToken       {@code DESK_SCORING_TOKEN} (optional): the token the desk reads scoring-streams with (scores are
 *                           read-only); when unset, the signed-in person's token, which scoring-streams must then know too
 * @param ackSecret          {@code DESK_ACK_LINK_SECRET} (optional, alerting's {@code ALERTING_ACK_LINK_SECRET}): verifies one-click links
 * @param sourceLinkTemplate {@code DESK_SOURCE_LINK_TEMPLATE} (optional): a link to the source system per signal, with
 *                           {@code {complaintId}}, {@code {eventId}}, {@code {customerId}}, {@code {productId}}, {@code {orderId}}
 * @param escalation         {@code DESK_ESCALATION_SEVERITY} (5) and {@code DESK_ESCALATION_CATEGORY} ({@code cancellation};
 *                           empty for none): a complaint this severe or of this category counts as an escalation, as in
 *                           {@code forewarn backtest}
 * @param sessionTtl         {@code DESK_SESSION_TTL} (12h): how long a sign-in lasts
 * @param evidencePerEntity  {@code DESK_EVIDENCE_PER_ENTITY} (20): the newest signals kept per customer and product
 * @param evidenceEntities   {@code DESK_EVIDENCE_ENTITIES} (200000): entities whose evidence is kept (least recently used forgotten first)
 * @param registryUrl        {@code SCHEMA_REGISTRY_URL}
 * @param kafkaProperties    {@code KAFKA_*}: the signal topics are read for evidence with no consumer group (from their beginning)
 */
public record DeskConfig(String host, int port, String publicUrl, String alertingUrl, String scoringUrl, Optional<ApiKeys> signInTokens,
                         Optional<String> serviceToken, Optional<String> scoringToken, Optional<byte[]> ackSecret, Optional<String> sourceLinkTemplate,
                         EscalationRule escalation, Duration sessionTtl, int evidencePerEntity, int evidenceEntities,
                         String registryUrl, Map<String, Object> kafkaProperties) {

    public DeskConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    public boolean secureCookies() {
        return publicUrl.startsWith("https://");
    }

    public DeskConfig withPort(int newPort) {
        return new DeskConfig(host, newPort, publicUrl, alertingUrl, scoringUrl, signInTokens, serviceToken, scoringToken, ackSecret,
                sourceLinkTemplate, escalation, sessionTtl, evidencePerEntity, evidenceEntities, registryUrl, kafkaProperties);
    }

    public static DeskConfig fromEnv(Env env) {
        Map<String, Object> kafka = new HashMap<>(env.kafkaProperties());
        kafka.putIfAbsent("bootstrap.servers", "localhost:9092");
        Optional<ApiKeys> tokens = env.optional("DESK_API_TOKENS").filter(s -> !s.isBlank())
                .map(spec -> ApiKeys.parse(spec, Set.of(Scopes.DESK), Set.of(Scopes.DESK)));
        Optional<byte[]> secret = env.optional("DESK_ACK_LINK_SECRET").filter(s -> !s.isBlank())
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        if (secret.isPresent() && secret.get().length < 16) {
            throw new IllegalArgumentException("DESK_ACK_LINK_SECRET must have at least 16 bytes (the same value as ALERTING_ACK_LINK_SECRET)");
        }
        return new DeskConfig(
                env.string("DESK_HOST", "0.0.0.0"),
                env.integer("DESK_PORT", 8084, 0, 65535),
                strip(env.string("DESK_PUBLIC_URL", "http://localhost:8084")),
                strip(env.string("DESK_ALERTING_URL", "http://localhost:8083")),
                strip(env.string("DESK_SCORING_URL", "http://localhost:8082")),
                tokens,
                env.optional("DESK_SERVICE_TOKEN").filter(s -> !s.isBlank()),
                env.optional("DESK_SCORING_TOKEN").filter(s -> !s.isBlank()),
                secret,
                env.optional("DESK_SOURCE_LINK_TEMPLATE").filter(s -> !s.isBlank()),
                new EscalationRule(env.integer("DESK_ESCALATION_SEVERITY", 5, 1, 5),
                        Optional.of(env.string("DESK_ESCALATION_CATEGORY", "cancellation"))),
                env.duration("DESK_SESSION_TTL", Duration.ofHours(12)),
                env.integer("DESK_EVIDENCE_PER_ENTITY", 20, 1, 1000),
                env.integer("DESK_EVIDENCE_ENTITIES", 200_000, 1, 10_000_000),
                env.string("SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                kafka);
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
