package dev.forewarn.alerting.config;

import dev.forewarn.alerting.api.SilenceResource;
import dev.forewarn.alerting.delivery.DeliveryConfig;
import dev.forewarn.alerting.delivery.DestinationGuard;
import dev.forewarn.alerting.delivery.WebhookSecrets;
import dev.forewarn.alerting.lifecycle.AlertLifecycle;
import dev.forewarn.alerting.lifecycle.Grouping;
import dev.forewarn.alerting.route.DefaultRoute;
import dev.forewarn.service.Env;
import dev.forewarn.service.auth.ApiKeys;
import dev.forewarn.service.auth.Scopes;
import dev.forewarn.service.links.AlertLinks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * alerting-service settings, read once from the environment (see the README's table).
 *
 * @param applicationId       {@code ALERTING_APPLICATION_ID}, default {@code forewarn-alerting}; the dispatcher's group is {@code <id>-dispatcher}
 * @param registryUrl         {@code SCHEMA_REGISTRY_URL}, default http://localhost:8081
 * @param host                {@code ALERTING_HOST}, default {@code 0.0.0.0}: the interface HTTP listens on
 * @param port                {@code ALERTING_PORT}, default 8083
 * @param stateDir            {@code ALERTING_STATE_DIR}, default {@code <tmp>/forewarn-alerting}
 * @param processingGuarantee {@code ALERTING_PROCESSING_GUARANTEE}, default {@code exactly_once_v2}
 * @param lifecycle           {@code ALERTING_REPEAT_INTERVAL} (4h), {@code ALERTING_ACK_TIMEOUT} (30m), {@code ALERTING_FLAP_WINDOW} (5m),
 *                            {@code ALERTING_RESOLVED_RETENTION} (7d)
 * @param grouping            {@code ALERTING_GROUP_INTERVAL} (5m), {@code ALERTING_INHIBIT_ACROSS_OWNERS} (false): see {@link Grouping}
 * @param tickInterval        {@code ALERTING_TICK_INTERVAL}, default 1s: how often time-driven work (repeat, ack timeout, silence expiry) runs
 * @param route               the default route (the quality team) for entities without an owner: {@code ALERTING_DEFAULT_OWNER},
 *                            {@code ALERTING_DEFAULT_WEBHOOK_URL}, {@code ALERTING_DEFAULT_SLACK_URL}, {@code ALERTING_DEFAULT_EMAIL}
 * @param delivery            retries, rate limit, SMTP and HTTP settings of the dispatcher
 * @param guard               {@code ALERTING_WEBHOOK_ALLOW}: hosts or CIDRs allowed although loopback/private
 * @param secrets             {@code ALERTING_WEBHOOK_SECRET} (default signing secret, {@code whsec_<base64>}) and
 *                            {@code ALERTING_WEBHOOK_SECRETS} ({@code <url-prefix>|<secret>,...}, matched by origin and path segments, most
 *                            specific wins); the service does not start without {@code ALERTING_WEBHOOK_SECRET}
 * @param apiKeys             {@code ALERTING_API_TOKENS} ({@code name:token} or {@code name:token:scope+scope,...}; the name is
 *                            recorded as the actor; scopes {@code alerts:read}, {@code alerts:write}, {@code silences:write},
 *                            {@code desk}, a token without scopes gets the first three) or {@code ALERTING_AUTH_DISABLED=true}
 *                            (local run only)
 * @param links               links in notifications: {@code ALERTING_PUBLIC_URL} (default http://localhost:8083), the API;
 *                            {@code ALERTING_DESK_URL}, the quality desk (its alert pages replace the API's links when set);
 *                            {@code ALERTING_ACK_LINK_SECRET} (at least 16 bytes, shared with the desk's {@code DESK_ACK_LINK_SECRET}),
 *                            one-click acknowledge links in e-mail, Slack and webhooks, valid {@code ALERTING_ACK_LINK_VALIDITY} (72h)
 * @param kafkaProperties     {@code KAFKA_*} pass-through
 * @param silences            {@code ALERTING_SILENCE_MAX_DURATION} (90d), {@code ALERTING_MAX_SILENCES} (1000),
 *                            {@code ALERTING_SILENCE_RETENTION} (7d), {@code ALERTING_SILENCE_PURGE_INTERVAL} (1h): see {@link SilenceResource.Limits}
 */
public record AlertingConfig(String applicationId, String registryUrl, String host, int port, Path stateDir, String processingGuarantee,
                             AlertLifecycle.Config lifecycle, Grouping.Config grouping, Duration tickInterval, DefaultRoute route,
                             DeliveryConfig delivery,
                             DestinationGuard guard, WebhookSecrets secrets, ApiKeys apiKeys, AlertLinks links,
                             Map<String, Object> kafkaProperties, SilenceResource.Limits silences) {

    public AlertingConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** Defaults, for tests: authentication off, a fixed signing secret. */
    public static AlertingConfig of(String applicationId, String registryUrl, Path stateDir, Map<String, Object> kafkaProperties,
                                    DefaultRoute route, DestinationGuard guard, WebhookSecrets secrets) {
        return new AlertingConfig(applicationId, registryUrl, "0.0.0.0", 0, stateDir, "exactly_once_v2", AlertLifecycle.Config.defaults(),
                Grouping.Config.defaults(), Duration.ofMillis(200), route, DeliveryConfig.defaults(), guard, secrets, ApiKeys.disabled("local"),
                AlertLinks.apiOnly("http://localhost:8083"), kafkaProperties, SilenceResource.Limits.defaults());
    }

    public AlertingConfig with(AlertLifecycle.Config lifecycle, DeliveryConfig delivery) {
        return new AlertingConfig(applicationId, registryUrl, host, port, stateDir, processingGuarantee, lifecycle, grouping, tickInterval,
                route, delivery, guard, secrets, apiKeys, links, kafkaProperties, silences);
    }

    public AlertingConfig withGrouping(Grouping.Config grouping) {
        return new AlertingConfig(applicationId, registryUrl, host, port, stateDir, processingGuarantee, lifecycle, grouping, tickInterval,
                route, delivery, guard, secrets, apiKeys, links, kafkaProperties, silences);
    }

    public AlertingConfig withSilences(SilenceResource.Limits limits) {
        return new AlertingConfig(applicationId, registryUrl, host, port, stateDir, processingGuarantee, lifecycle, grouping, tickInterval,
                route, delivery, guard, secrets, apiKeys, links, kafkaProperties, limits);
    }

    public AlertingConfig withApiKeys(ApiKeys keys) {
        return new AlertingConfig(applicationId, registryUrl, host, port, stateDir, processingGuarantee, lifecycle, grouping, tickInterval,
                route, delivery, guard, secrets, keys, links, kafkaProperties, silences);
    }

    public static AlertingConfig fromEnv(Env env) {
        Map<String, Object> kafka = new HashMap<>(env.kafkaProperties());
        kafka.putIfAbsent("bootstrap.servers", "localhost:9092");
        AlertLifecycle.Config d = AlertLifecycle.Config.defaults();
        AlertLifecycle.Config lifecycle = new AlertLifecycle.Config(
                env.duration("ALERTING_REPEAT_INTERVAL", d.repeatInterval()),
                env.duration("ALERTING_ACK_TIMEOUT", d.ackTimeout()),
                env.duration("ALERTING_FLAP_WINDOW", d.flapWindow()),
                d.predictedCloserFactor(),
                env.duration("ALERTING_RESOLVED_RETENTION", d.resolvedRetention()),
                d.maxHistory());
        DeliveryConfig dd = DeliveryConfig.defaults();
        DeliveryConfig delivery = new DeliveryConfig(
                env.integer("ALERTING_MAX_ATTEMPTS", dd.maxAttempts(), 1, 100),
                env.duration("ALERTING_RETRY_BACKOFF", dd.backoff()),
                env.duration("ALERTING_RETRY_MAX_BACKOFF", dd.maxBackoff()),
                env.integer("ALERTING_RATE_PER_DESTINATION", dd.ratePerSecond(), 1, 100_000),
                env.duration("ALERTING_HTTP_TIMEOUT", dd.httpTimeout()),
                env.string("ALERTING_SMTP_HOST", ""),
                env.integer("ALERTING_SMTP_PORT", 25, 1, 65535),
                env.string("ALERTING_SMTP_FROM", dd.smtpFrom()),
                env.string("ALERTING_SMTP_USER", ""),
                env.string("ALERTING_SMTP_PASSWORD", ""),
                env.flag("ALERTING_SMTP_STARTTLS", false),
                env.integer("ALERTING_MAX_IN_FLIGHT", dd.maxInFlight(), 1, 1_000_000),
                env.duration("ALERTING_RETRY_HORIZON", dd.retryHorizon()));
        DefaultRoute route = new DefaultRoute(
                env.string("ALERTING_DEFAULT_OWNER", "quality-team"),
                env.string("ALERTING_DEFAULT_WEBHOOK_URL", ""),
                env.string("ALERTING_DEFAULT_SLACK_URL", ""),
                env.string("ALERTING_DEFAULT_EMAIL", ""));
        ApiKeys keys = ApiKeys.fromEnv(env, "ALERTING", Scopes.ALERTING, Scopes.ALERTING_DEFAULT);
        WebhookSecrets secrets;
        String secret = env.string("ALERTING_WEBHOOK_SECRET", "");
        if (secret.isBlank()) {
            // A random per-process key would make every verifying receiver answer 401, after a restart too.
            throw new IllegalArgumentException("set ALERTING_WEBHOOK_SECRET (whsec_ followed by base64 of at least 24 random bytes,"
                    + " e.g. whsec_$(openssl rand -base64 32)): receivers verify every webhook's signature with it");
        }
        try {
            secrets = WebhookSecrets.parse(secret, env.string("ALERTING_WEBHOOK_SECRETS", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ALERTING_WEBHOOK_SECRET / ALERTING_WEBHOOK_SECRETS: " + e.getMessage());
        }
        String ackSecret = env.string("ALERTING_ACK_LINK_SECRET", "");
        if (!ackSecret.isBlank() && ackSecret.getBytes(StandardCharsets.UTF_8).length < 16) {
            throw new IllegalArgumentException("ALERTING_ACK_LINK_SECRET must have at least 16 bytes (e.g. $(openssl rand -base64 32))");
        }
        DestinationGuard guard;
        try {
            guard = DestinationGuard.allowing(env.string("ALERTING_WEBHOOK_ALLOW", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ALERTING_WEBHOOK_ALLOW: " + e.getMessage());
        }
        return new AlertingConfig(
                env.string("ALERTING_APPLICATION_ID", "forewarn-alerting"),
                env.string("SCHEMA_REGISTRY_URL", "http://localhost:8081"),
                env.string("ALERTING_HOST", "0.0.0.0"),
                env.integer("ALERTING_PORT", 8083, 0, 65535),
                Path.of(env.string("ALERTING_STATE_DIR", Path.of(System.getProperty("java.io.tmpdir"), "forewarn-alerting").toString())),
                env.string("ALERTING_PROCESSING_GUARANTEE", "exactly_once_v2"),
                lifecycle,
                new Grouping.Config(env.duration("ALERTING_GROUP_INTERVAL", Grouping.Config.defaults().groupInterval()),
                        env.flag("ALERTING_INHIBIT_ACROSS_OWNERS", false)),
                env.duration("ALERTING_TICK_INTERVAL", Duration.ofSeconds(1)),
                route, delivery, guard, secrets, keys,
                new AlertLinks(env.string("ALERTING_PUBLIC_URL", "http://localhost:8083"), env.string("ALERTING_DESK_URL", ""),
                        ackSecret.isBlank() ? null : ackSecret.getBytes(StandardCharsets.UTF_8),
                        env.duration("ALERTING_ACK_LINK_VALIDITY", Duration.ofHours(72)), Clock.systemUTC()),
                kafka,
                new SilenceResource.Limits(env.duration("ALERTING_SILENCE_MAX_DURATION", Duration.ofDays(90)),
                        env.integer("ALERTING_MAX_SILENCES", 1000, 1, 1_000_000),
                        env.duration("ALERTING_SILENCE_RETENTION", Duration.ofDays(7)),
                        env.duration("ALERTING_SILENCE_PURGE_INTERVAL", Duration.ofHours(1))));
    }
}
