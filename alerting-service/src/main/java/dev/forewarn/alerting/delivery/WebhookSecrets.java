package dev.forewarn.alerting.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Signing secrets per webhook endpoint, in the Standard Webhooks form {@code whsec_<base64 key>}:
 * the most specific configured endpoint prefix that matches an endpoint gives its secret, else the
 * default. A prefix matches by origin (scheme, host and port, case-insensitive, default ports
 * implied) and whole path segments: {@code https://a.example.com/hooks} matches
 * {@code https://a.example.com/hooks/x} but neither {@code https://a.example.com/hooks2} nor
 * {@code https://a.example.com.evil.tld/hooks}. Secrets are never logged ({@link #toString} hides them).
 */
public final class WebhookSecrets {

    private final byte[] defaultKey;
    private final Map<Endpoint, byte[]> byPrefix;

    /** An endpoint prefix: origin and path segments. */
    private record Endpoint(String scheme, String host, int port, List<String> segments) {

        static Optional<Endpoint> of(String url) {
            try {
                URI uri = new URI(url.trim());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    return Optional.empty();
                }
                String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
                List<String> segments = uri.getRawPath() == null ? List.of()
                        : Arrays.stream(uri.getRawPath().split("/")).filter(p -> !p.isEmpty()).toList();
                return Optional.of(new Endpoint(scheme, uri.getHost().toLowerCase(Locale.ROOT), port, segments));
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
        }

        boolean covers(Endpoint other) {
            return scheme.equals(other.scheme) && host.equals(other.host) && port == other.port
                    && other.segments.size() >= segments.size() && other.segments.subList(0, segments.size()).equals(segments);
        }
    }

    private WebhookSecrets(byte[] defaultKey, Map<Endpoint, byte[]> byPrefix) {
        this.defaultKey = defaultKey;
        this.byPrefix = byPrefix;
    }

    /**
     * @param defaultSecret {@code whsec_...}; blank generates a random key for this process only (receivers cannot
     *                      verify it: tests only; the service refuses to start without one)
     * @param perEndpoint   {@code <url-prefix>|<secret>} entries separated by commas
     */
    public static WebhookSecrets parse(String defaultSecret, String perEndpoint) {
        byte[] fallback = defaultSecret.isBlank() ? random() : key(defaultSecret.trim());
        Map<Endpoint, byte[]> byPrefix = new LinkedHashMap<>();
        for (String entry : perEndpoint.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int bar = entry.lastIndexOf('|');
            if (bar <= 0) {
                throw new IllegalArgumentException("entries must be <url-prefix>|<whsec_secret>");
            }
            String prefix = entry.substring(0, bar).trim();
            Endpoint endpoint = Endpoint.of(prefix).orElseThrow(() -> new IllegalArgumentException(
                    "'" + prefix + "' is not an absolute http(s) URL prefix"));
            byPrefix.put(endpoint, key(entry.substring(bar + 1).trim()));
        }
        return new WebhookSecrets(fallback, byPrefix);
    }

    public static WebhookSecrets of(String secret) {
        return parse(secret, "");
    }

    /** A new random secret in {@code whsec_} form. */
    public static String generate() {
        return "whsec_" + Base64.getEncoder().encodeToString(random());
    }

    /** The signing key of {@code url}. */
    public byte[] keyFor(String url) {
        Optional<Endpoint> endpoint = Endpoint.of(url);
        return endpoint.flatMap(target -> byPrefix.entrySet().stream()
                        .filter(e -> e.getKey().covers(target))
                        .max(Comparator.comparingInt(e -> e.getKey().segments().size()))
                        .map(Map.Entry::getValue))
                .orElse(defaultKey);
    }

    static byte[] key(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring(6) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length < 24) {
                throw new IllegalArgumentException("a secret must hold at least 24 bytes");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a secret must be whsec_ followed by base64 of at least 24 bytes");
        }
    }

    private static byte[] random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Override
    public String toString() {
        return "WebhookSecrets[" + byPrefix.size() + " endpoint secrets, hidden]";
    }
}
