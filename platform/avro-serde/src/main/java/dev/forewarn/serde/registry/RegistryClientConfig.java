package dev.forewarn.serde.registry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * How to reach a schema registry, read from the same keys Confluent's clients use, so existing
 * client configurations work unchanged.
 *
 * @param urls            {@code schema.registry.url}: one or more base URLs, comma-separated; tried in turn
 * @param authorization   the {@code Authorization} header value, if any (never logged)
 * @param requestTimeout  {@code schema.registry.request.timeout.ms}, default 10 s
 * @param maxAttempts     {@code schema.registry.max.attempts}: tries for 408/429/5xx and I/O errors, default 4
 * @param initialBackoff  {@code schema.registry.retry.backoff.ms}, doubled per attempt, default 100 ms
 * @param latestCacheTtl  {@code latest.cache.ttl.sec}: how long a "latest version" answer is kept; negative = forever
 */
public record RegistryClientConfig(List<URI> urls, Optional<String> authorization, Duration requestTimeout,
                                   int maxAttempts, Duration initialBackoff, Duration latestCacheTtl) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String MAX_ATTEMPTS = "schema.registry.max.attempts";
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";

    public RegistryClientConfig {
        if (urls.isEmpty()) {
            throw new ConfigException(URL, "", "at least one schema registry URL is required");
        }
        urls = List.copyOf(urls);
        if (maxAttempts < 1) {
            throw new ConfigException(MAX_ATTEMPTS, maxAttempts, "must be at least 1");
        }
    }

    /** A config for one URL with defaults, credentials taken from the URL's user-info if present. */
    public static RegistryClientConfig of(String url) {
        return fromMap(Map.of(URL, url));
    }

    /** Reads the Confluent-named keys from Kafka client configs; unknown keys are ignored. */
    public static RegistryClientConfig fromMap(Map<String, ?> configs) {
        Object raw = configs.get(URL);
        if (raw == null || raw.toString().isBlank()) {
            throw new ConfigException(URL, raw, "missing: set schema.registry.url to the registry's base URL");
        }
        List<URI> urls = Arrays.stream(raw.toString().split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(RegistryClientConfig::parseUrl)
                .toList();
        return new RegistryClientConfig(
                urls.stream().map(RegistryClientConfig::withoutUserInfo).toList(),
                authorization(configs, urls.get(0)),
                Duration.ofMillis(longValue(configs, REQUEST_TIMEOUT_MS, 10_000)),
                (int) longValue(configs, MAX_ATTEMPTS, 4),
                Duration.ofMillis(longValue(configs, RETRY_BACKOFF_MS, 100)),
                Duration.ofSeconds(longValue(configs, LATEST_CACHE_TTL_SEC, -1)));
    }

    private static URI parseUrl(String text) {
        URI uri;
        try {
            uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL, text, "not a URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new ConfigException(URL, text, "must be an http or https URL");
        }
        return uri;
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri;
        }
        return URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath()));
    }

    private static Optional<String> authorization(Map<String, ?> configs, URI firstUrl) {
        String bearerSource = string(configs, BEARER_AUTH_SOURCE, "");
        if (!bearerSource.isEmpty()) {
            if (!"STATIC_TOKEN".equals(bearerSource)) {
                throw new ConfigException(BEARER_AUTH_SOURCE, bearerSource, "only STATIC_TOKEN is supported");
            }
            String token = string(configs, BEARER_AUTH_TOKEN, "");
            if (token.isEmpty()) {
                throw new ConfigException(BEARER_AUTH_TOKEN, "(empty)", "required when " + BEARER_AUTH_SOURCE + "=STATIC_TOKEN");
            }
            return Optional.of("Bearer " + token);
        }
        String source = string(configs, BASIC_AUTH_SOURCE, "URL");
        String userInfo = switch (source) {
            case "USER_INFO" -> {
                String info = string(configs, BASIC_AUTH_USER_INFO, "");
                if (!info.contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO, "(hidden)", "must be user:password");
                }
                yield info;
            }
            case "URL" -> firstUrl.getUserInfo();
            default -> throw new ConfigException(BASIC_AUTH_SOURCE, source, "must be URL or USER_INFO");
        };
        return Optional.ofNullable(userInfo)
                .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    }

    private static String string(Map<String, ?> configs, String key, String fallback) {
        Object value = configs.get(key);
        if (value instanceof org.apache.kafka.common.config.types.Password password) {
            return password.value();
        }
        return value == null ? fallback : value.toString().trim();
    }

    private static long longValue(Map<String, ?> configs, String key, long fallback) {
        String value = string(configs, key, "");
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "must be a whole number");
        }
    }

    @Override
    public String toString() {
        return "RegistryClientConfig[urls=" + urls + ", authorization=" + authorization.map(a -> "(hidden)").orElse("none")
                + ", requestTimeout=" + requestTimeout + ", maxAttempts=" + maxAttempts + "]";
    }
}
